using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialLegacy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "legacy");

            migrationBuilder.CreateTable(
                name: "audit_log",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Subject = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Roles = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    OnBehalfOf = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RecordId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ListedIds = table.Column<string>(type: "text", nullable: true),
                    Details = table.Column<string>(type: "text", nullable: true),
                    TraceId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_log", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "documents",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    LastUpdate = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_documents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "hub_listeners",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ApiName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Callback = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Query = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    ProtectedSecret = table.Column<string>(type: "text", nullable: false),
                    Owner = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_listeners", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                schema: "legacy",
                columns: table => new
                {
                    Scope = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Completed = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ResponseStatus = table.Column<int>(type: "integer", nullable: true),
                    ResponseLocation = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    ResponseETag = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ResponseBody = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_keys", x => new { x.Scope, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "import_job_issues",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RowNumber = table.Column<long>(type: "bigint", nullable: false),
                    LegacyCustomerId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Field = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Value = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_job_issues", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "import_jobs",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SourceKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SourceUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BatchSize = table.Column<int>(type: "integer", nullable: false),
                    LegacyWatermark = table.Column<long>(type: "bigint", nullable: true),
                    RowsTotal = table.Column<long>(type: "bigint", nullable: false),
                    RowsDone = table.Column<long>(type: "bigint", nullable: false),
                    LegacyRecords = table.Column<int>(type: "integer", nullable: false),
                    CustomersTotal = table.Column<int>(type: "integer", nullable: false),
                    CustomersImported = table.Column<int>(type: "integer", nullable: false),
                    CustomersCreated = table.Column<int>(type: "integer", nullable: false),
                    BillingAccountsImported = table.Column<int>(type: "integer", nullable: false),
                    RejectedRows = table.Column<int>(type: "integer", nullable: false),
                    RejectedRecords = table.Column<int>(type: "integer", nullable: false),
                    Warnings = table.Column<int>(type: "integer", nullable: false),
                    DuplicatesMerged = table.Column<int>(type: "integer", nullable: false),
                    BatchCount = table.Column<int>(type: "integer", nullable: false),
                    NextBatch = table.Column<int>(type: "integer", nullable: false),
                    LoadingMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Failure = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "plan_mappings",
                schema: "legacy",
                columns: table => new
                {
                    LegacyPlanCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProductOfferingId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_mappings", x => x.LegacyPlanCode);
                });

            migrationBuilder.CreateTable(
                name: "search_entries",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DocumentId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Text = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Number = table.Column<long>(type: "bigint", nullable: true),
                    Time = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_entries_documents_DocumentId",
                        column: x => x.DocumentId,
                        principalSchema: "legacy",
                        principalTable: "documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_OnBehalfOf_At",
                schema: "legacy",
                table: "audit_log",
                columns: new[] { "OnBehalfOf", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_RecordId",
                schema: "legacy",
                table: "audit_log",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_Subject_At",
                schema: "legacy",
                table: "audit_log",
                columns: new[] { "Subject", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_documents_ResourceType_CreatedBy",
                schema: "legacy",
                table: "documents",
                columns: new[] { "ResourceType", "CreatedBy" });

            migrationBuilder.CreateIndex(
                name: "IX_documents_ResourceType_Id",
                schema: "legacy",
                table: "documents",
                columns: new[] { "ResourceType", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_hub_listeners_ApiName",
                schema: "legacy",
                table: "hub_listeners",
                column: "ApiName");

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_keys_ExpiresAt",
                schema: "legacy",
                table: "idempotency_keys",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_import_job_issues_JobId_RowNumber",
                schema: "legacy",
                table: "import_job_issues",
                columns: new[] { "JobId", "RowNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_import_jobs_State",
                schema: "legacy",
                table: "import_jobs",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_DocumentId_Path",
                schema: "legacy",
                table: "search_entries",
                columns: new[] { "DocumentId", "Path" });

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_ResourceType_Path_Number",
                schema: "legacy",
                table: "search_entries",
                columns: new[] { "ResourceType", "Path", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_ResourceType_Path_Text",
                schema: "legacy",
                table: "search_entries",
                columns: new[] { "ResourceType", "Path", "Text" });

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_ResourceType_Path_Time",
                schema: "legacy",
                table: "search_entries",
                columns: new[] { "ResourceType", "Path", "Time" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_log",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "hub_listeners",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "idempotency_keys",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "import_job_issues",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "import_jobs",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "plan_mappings",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "search_entries",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "documents",
                schema: "legacy");
        }
    }
}
