using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LegacyPropagation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "legacy_bill_history_cache",
                columns: table => new
                {
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProtectedBills = table.Column<string>(type: "TEXT", nullable: false),
                    FetchedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_bill_history_cache", x => x.CustomerId);
                });

            migrationBuilder.CreateTable(
                name: "legacy_changes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PartyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LegacyCustomerIds = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TraceParent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DeadLetteredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Replays = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_changes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_conflicts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ChangeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PartyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LegacyCustomerId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProtectedLegacyValue = table.Column<string>(type: "TEXT", nullable: true),
                    LegacyVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    DetectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_conflicts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "legacy_sync_states",
                columns: table => new
                {
                    LegacyCustomerId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    LastVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    FieldHashes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legacy_sync_states", x => x.LegacyCustomerId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_changes_PartyId",
                table: "legacy_changes",
                column: "PartyId");

            migrationBuilder.CreateIndex(
                name: "IX_legacy_changes_State_ChangedAt",
                table: "legacy_changes",
                columns: new[] { "State", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_legacy_conflicts_DetectedAt",
                table: "legacy_conflicts",
                column: "DetectedAt");

            migrationBuilder.CreateIndex(
                name: "IX_legacy_conflicts_PartyId",
                table: "legacy_conflicts",
                column: "PartyId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "legacy_bill_history_cache");

            migrationBuilder.DropTable(
                name: "legacy_changes");

            migrationBuilder.DropTable(
                name: "legacy_conflicts");

            migrationBuilder.DropTable(
                name: "legacy_sync_states");
        }
    }
}
