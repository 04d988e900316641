using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LegacySyncAndReconciliation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Direction",
                table: "legacy_conflicts",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "toLegacy");

            migrationBuilder.CreateTable(
                name: "legacy_drifts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReconciliationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LegacyCustomerId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PartyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Fields = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Repair = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DetectedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_drifts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_feed_cursors",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Watermark = table.Column<long>(type: "INTEGER", nullable: false),
                    HighWatermark = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastPollAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CaughtUpAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    Applied = table.Column<long>(type: "INTEGER", nullable: false),
                    Echoes = table.Column<long>(type: "INTEGER", nullable: false),
                    Conflicts = table.Column<long>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_feed_cursors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_reconciliations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Cursor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Pages = table.Column<int>(type: "INTEGER", nullable: false),
                    LegacyRecords = table.Column<int>(type: "INTEGER", nullable: false),
                    Compared = table.Column<int>(type: "INTEGER", nullable: false),
                    Drifting = table.Column<int>(type: "INTEGER", nullable: false),
                    Repaired = table.Column<int>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Failure = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_reconciliations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_drifts_PartyId",
                table: "legacy_drifts",
                column: "PartyId");

            migrationBuilder.CreateIndex(
                name: "IX_legacy_drifts_ReconciliationId_LegacyCustomerId",
                table: "legacy_drifts",
                columns: new[] { "ReconciliationId", "LegacyCustomerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_legacy_reconciliations_State",
                table: "legacy_reconciliations",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "legacy_drifts");

            migrationBuilder.DropTable(
                name: "legacy_feed_cursors");

            migrationBuilder.DropTable(
                name: "legacy_reconciliations");

            migrationBuilder.DropColumn(
                name: "Direction",
                table: "legacy_conflicts");
        }
    }
}
