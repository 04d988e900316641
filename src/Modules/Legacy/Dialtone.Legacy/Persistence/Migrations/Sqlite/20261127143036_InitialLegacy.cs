using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialLegacy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "legacy_audit_log",
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
                    table.PrimaryKey("PK_legacy_audit_log", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_documents",
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
                    table.PrimaryKey("PK_legacy_documents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_hub_listeners",
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
                    table.PrimaryKey("PK_legacy_hub_listeners", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_idempotency_keys",
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
                    table.PrimaryKey("PK_legacy_idempotency_keys", x => new { x.Scope, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "legacy_import_job_issues",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RowNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    LegacyCustomerId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_import_job_issues", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_import_jobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    BatchSize = table.Column<int>(type: "INTEGER", nullable: false),
                    LegacyWatermark = table.Column<long>(type: "INTEGER", nullable: true),
                    RowsTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    RowsDone = table.Column<long>(type: "INTEGER", nullable: false),
                    LegacyRecords = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomersTotal = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomersImported = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomersCreated = table.Column<int>(type: "INTEGER", nullable: false),
                    BillingAccountsImported = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectedRows = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectedRecords = table.Column<int>(type: "INTEGER", nullable: false),
                    Warnings = table.Column<int>(type: "INTEGER", nullable: false),
                    DuplicatesMerged = table.Column<int>(type: "INTEGER", nullable: false),
                    BatchCount = table.Column<int>(type: "INTEGER", nullable: false),
                    NextBatch = table.Column<int>(type: "INTEGER", nullable: false),
                    LoadingMilliseconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Failure = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_import_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_plan_mappings",
                columns: table => new
                {
                    LegacyPlanCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProductOfferingId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_plan_mappings", x => x.LegacyPlanCode);
                });

            migrationBuilder.CreateTable(
                name: "legacy_search_entries",
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
                    table.PrimaryKey("PK_legacy_search_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_legacy_search_entries_legacy_documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "legacy_documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_audit_log_OnBehalfOf_At",
                table: "legacy_audit_log",
                columns: new[] { "OnBehalfOf", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_audit_log_RecordId",
                table: "legacy_audit_log",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_legacy_audit_log_Subject_At",
                table: "legacy_audit_log",
                columns: new[] { "Subject", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_documents_ResourceType_CreatedBy",
                table: "legacy_documents",
                columns: new[] { "ResourceType", "CreatedBy" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_documents_ResourceType_Id",
                table: "legacy_documents",
                columns: new[] { "ResourceType", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_hub_listeners_ApiName",
                table: "legacy_hub_listeners",
                column: "ApiName");

            migrationBuilder.CreateIndex(
                name: "IX_legacy_idempotency_keys_ExpiresAt",
                table: "legacy_idempotency_keys",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_legacy_import_job_issues_JobId_RowNumber",
                table: "legacy_import_job_issues",
                columns: new[] { "JobId", "RowNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_import_jobs_State",
                table: "legacy_import_jobs",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_legacy_search_entries_DocumentId_Path",
                table: "legacy_search_entries",
                columns: new[] { "DocumentId", "Path" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_search_entries_ResourceType_Path_Number",
                table: "legacy_search_entries",
                columns: new[] { "ResourceType", "Path", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_search_entries_ResourceType_Path_Text",
                table: "legacy_search_entries",
                columns: new[] { "ResourceType", "Path", "Text" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_search_entries_ResourceType_Path_Time",
                table: "legacy_search_entries",
                columns: new[] { "ResourceType", "Path", "Time" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "legacy_audit_log");

            migrationBuilder.DropTable(
                name: "legacy_hub_listeners");

            migrationBuilder.DropTable(
                name: "legacy_idempotency_keys");

            migrationBuilder.DropTable(
                name: "legacy_import_job_issues");

            migrationBuilder.DropTable(
                name: "legacy_import_jobs");

            migrationBuilder.DropTable(
                name: "legacy_plan_mappings");

            migrationBuilder.DropTable(
                name: "legacy_search_entries");

            migrationBuilder.DropTable(
                name: "legacy_documents");
        }
    }
}
