using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Charging.Usage.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialUsage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "usage_audit_log",
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
                    table.PrimaryKey("PK_usage_audit_log", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "usage_documents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUpdate = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_documents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "usage_hub_listeners",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ApiName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Callback = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Query = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ProtectedSecret = table.Column<string>(type: "TEXT", nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_hub_listeners", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "usage_idempotency_keys",
                columns: table => new
                {
                    Scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Completed = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ResponseStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    ResponseLocation = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ResponseETag = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ResponseBody = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_idempotency_keys", x => new { x.Scope, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "usage_search_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DocumentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Number = table.Column<long>(type: "INTEGER", nullable: true),
                    Time = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_search_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_usage_search_entries_usage_documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "usage_documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_usage_audit_log_OnBehalfOf_At",
                table: "usage_audit_log",
                columns: new[] { "OnBehalfOf", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_audit_log_RecordId",
                table: "usage_audit_log",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_usage_audit_log_Subject_At",
                table: "usage_audit_log",
                columns: new[] { "Subject", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_documents_ResourceType_CreatedBy",
                table: "usage_documents",
                columns: new[] { "ResourceType", "CreatedBy" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_documents_ResourceType_Id",
                table: "usage_documents",
                columns: new[] { "ResourceType", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_hub_listeners_ApiName",
                table: "usage_hub_listeners",
                column: "ApiName");

            migrationBuilder.CreateIndex(
                name: "IX_usage_idempotency_keys_ExpiresAt",
                table: "usage_idempotency_keys",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_usage_search_entries_DocumentId_Path",
                table: "usage_search_entries",
                columns: new[] { "DocumentId", "Path" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_search_entries_ResourceType_Path_Number",
                table: "usage_search_entries",
                columns: new[] { "ResourceType", "Path", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_search_entries_ResourceType_Path_Text",
                table: "usage_search_entries",
                columns: new[] { "ResourceType", "Path", "Text" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_search_entries_ResourceType_Path_Time",
                table: "usage_search_entries",
                columns: new[] { "ResourceType", "Path", "Time" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "usage_audit_log");

            migrationBuilder.DropTable(
                name: "usage_hub_listeners");

            migrationBuilder.DropTable(
                name: "usage_idempotency_keys");

            migrationBuilder.DropTable(
                name: "usage_search_entries");

            migrationBuilder.DropTable(
                name: "usage_documents");
        }
    }
}
