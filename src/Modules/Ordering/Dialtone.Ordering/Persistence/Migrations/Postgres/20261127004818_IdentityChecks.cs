using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Ordering.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdentityChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PartyId",
                schema: "ordering",
                table: "order_processes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "identity_checks",
                schema: "ordering",
                columns: table => new
                {
                    PartyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DocumentType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    CheckedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CheckedBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_checks", x => x.PartyId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_order_processes_PartyId_Stage",
                schema: "ordering",
                table: "order_processes",
                columns: new[] { "PartyId", "Stage" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "identity_checks",
                schema: "ordering");

            migrationBuilder.DropIndex(
                name: "IX_order_processes_PartyId_Stage",
                schema: "ordering",
                table: "order_processes");

            migrationBuilder.DropColumn(
                name: "PartyId",
                schema: "ordering",
                table: "order_processes");
        }
    }
}
