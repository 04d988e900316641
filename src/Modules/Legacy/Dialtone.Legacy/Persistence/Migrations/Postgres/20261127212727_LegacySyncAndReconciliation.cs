using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LegacySyncAndReconciliation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Direction",
                schema: "legacy",
                table: "conflicts",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "toLegacy");

            migrationBuilder.CreateTable(
                name: "drifts",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReconciliationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LegacyCustomerId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    PartyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Fields = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Repair = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_drifts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "feed_cursors",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Watermark = table.Column<long>(type: "bigint", nullable: false),
                    HighWatermark = table.Column<long>(type: "bigint", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastPollAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CaughtUpAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "integer", nullable: false),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Applied = table.Column<long>(type: "bigint", nullable: false),
                    Echoes = table.Column<long>(type: "bigint", nullable: false),
                    Conflicts = table.Column<long>(type: "bigint", nullable: false),
                    Skipped = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feed_cursors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "reconciliations",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Cursor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Pages = table.Column<int>(type: "integer", nullable: false),
                    LegacyRecords = table.Column<int>(type: "integer", nullable: false),
                    Compared = table.Column<int>(type: "integer", nullable: false),
                    Drifting = table.Column<int>(type: "integer", nullable: false),
                    Repaired = table.Column<int>(type: "integer", nullable: false),
                    Summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Failure = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reconciliations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_drifts_PartyId",
                schema: "legacy",
                table: "drifts",
                column: "PartyId");

            migrationBuilder.CreateIndex(
                name: "IX_drifts_ReconciliationId_LegacyCustomerId",
                schema: "legacy",
                table: "drifts",
                columns: new[] { "ReconciliationId", "LegacyCustomerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_reconciliations_State",
                schema: "legacy",
                table: "reconciliations",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "drifts",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "feed_cursors",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "reconciliations",
                schema: "legacy");

            migrationBuilder.DropColumn(
                name: "Direction",
                schema: "legacy",
                table: "conflicts");
        }
    }
}
