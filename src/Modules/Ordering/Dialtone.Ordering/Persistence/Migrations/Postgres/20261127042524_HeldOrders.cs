using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Ordering.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HeldOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "HeldUntil",
                schema: "ordering",
                table: "order_processes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_order_processes_HeldUntil",
                schema: "ordering",
                table: "order_processes",
                column: "HeldUntil");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_order_processes_HeldUntil",
                schema: "ordering",
                table: "order_processes");

            migrationBuilder.DropColumn(
                name: "HeldUntil",
                schema: "ordering",
                table: "order_processes");
        }
    }
}
