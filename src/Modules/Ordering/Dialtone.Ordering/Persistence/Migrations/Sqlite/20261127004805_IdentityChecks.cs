using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Ordering.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IdentityChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PartyId",
                table: "ordering_order_processes",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "ordering_identity_checks",
                columns: table => new
                {
                    PartyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DocumentType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    CheckedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CheckedBy = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ordering_identity_checks", x => x.PartyId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_order_processes_PartyId_Stage",
                table: "ordering_order_processes",
                columns: new[] { "PartyId", "Stage" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ordering_identity_checks");

            migrationBuilder.DropIndex(
                name: "IX_ordering_order_processes_PartyId_Stage",
                table: "ordering_order_processes");

            migrationBuilder.DropColumn(
                name: "PartyId",
                table: "ordering_order_processes");
        }
    }
}
