using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Catalog.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "catalog_audit_log",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Roles = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    OnBehalfOf = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecordId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ListedIds = table.Column<string>(type: "TEXT", nullable: true),
                    Details = table.Column<string>(type: "TEXT", nullable: true),
                    TraceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_audit_log", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_catalog_audit_log_OnBehalfOf_At",
                table: "catalog_audit_log",
                columns: new[] { "OnBehalfOf", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_catalog_audit_log_RecordId",
                table: "catalog_audit_log",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_catalog_audit_log_Subject_At",
                table: "catalog_audit_log",
                columns: new[] { "Subject", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "catalog_audit_log");
        }
    }
}
