using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Ordering.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HeldOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "HeldUntil",
                table: "ordering_order_processes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ordering_order_processes_HeldUntil",
                table: "ordering_order_processes",
                column: "HeldUntil");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ordering_order_processes_HeldUntil",
                table: "ordering_order_processes");

            migrationBuilder.DropColumn(
                name: "HeldUntil",
                table: "ordering_order_processes");
        }
    }
}
