using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Inventory.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EsimActivations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inventory_esim_activations",
                columns: table => new
                {
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActivationCode = table.Column<string>(type: "TEXT", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_esim_activations", x => x.ProductId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inventory_esim_activations");
        }
    }
}
