using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Ordering.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialOrdering : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ordering_audit_log",
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
                    table.PrimaryKey("PK_ordering_audit_log", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ordering_documents",
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
                    table.PrimaryKey("PK_ordering_documents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ordering_hub_listeners",
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
                    table.PrimaryKey("PK_ordering_hub_listeners", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ordering_idempotency_keys",
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
                    table.PrimaryKey("PK_ordering_idempotency_keys", x => new { x.Scope, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "ordering_numbers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    QuarantinedUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ordering_numbers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ordering_order_processes",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    CancelId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ordering_order_processes", x => x.OrderId);
                });

            migrationBuilder.CreateTable(
                name: "ordering_search_entries",
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
                    table.PrimaryKey("PK_ordering_search_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ordering_search_entries_ordering_documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "ordering_documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_audit_log_OnBehalfOf_At",
                table: "ordering_audit_log",
                columns: new[] { "OnBehalfOf", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_audit_log_RecordId",
                table: "ordering_audit_log",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_ordering_audit_log_Subject_At",
                table: "ordering_audit_log",
                columns: new[] { "Subject", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_documents_ResourceType_CreatedBy",
                table: "ordering_documents",
                columns: new[] { "ResourceType", "CreatedBy" });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_documents_ResourceType_Id",
                table: "ordering_documents",
                columns: new[] { "ResourceType", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_hub_listeners_ApiName",
                table: "ordering_hub_listeners",
                column: "ApiName");

            migrationBuilder.CreateIndex(
                name: "IX_ordering_idempotency_keys_ExpiresAt",
                table: "ordering_idempotency_keys",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_ordering_numbers_Kind_Value",
                table: "ordering_numbers",
                columns: new[] { "Kind", "Value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ordering_numbers_OrderId",
                table: "ordering_numbers",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_ordering_order_processes_Stage",
                table: "ordering_order_processes",
                column: "Stage");

            migrationBuilder.CreateIndex(
                name: "IX_ordering_search_entries_DocumentId_Path",
                table: "ordering_search_entries",
                columns: new[] { "DocumentId", "Path" });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_search_entries_ResourceType_Path_Number",
                table: "ordering_search_entries",
                columns: new[] { "ResourceType", "Path", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_search_entries_ResourceType_Path_Text",
                table: "ordering_search_entries",
                columns: new[] { "ResourceType", "Path", "Text" });

            migrationBuilder.CreateIndex(
                name: "IX_ordering_search_entries_ResourceType_Path_Time",
                table: "ordering_search_entries",
                columns: new[] { "ResourceType", "Path", "Time" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ordering_audit_log");

            migrationBuilder.DropTable(
                name: "ordering_hub_listeners");

            migrationBuilder.DropTable(
                name: "ordering_idempotency_keys");

            migrationBuilder.DropTable(
                name: "ordering_numbers");

            migrationBuilder.DropTable(
                name: "ordering_order_processes");

            migrationBuilder.DropTable(
                name: "ordering_search_entries");

            migrationBuilder.DropTable(
                name: "ordering_documents");
        }
    }
}
