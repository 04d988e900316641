using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LegacyPropagation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bill_history_cache",
                schema: "legacy",
                columns: table => new
                {
                    CustomerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ProtectedBills = table.Column<string>(type: "text", nullable: false),
                    FetchedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bill_history_cache", x => x.CustomerId);
                });

            migrationBuilder.CreateTable(
                name: "changes",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PartyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    LegacyCustomerIds = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TraceParent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeadLetteredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Replays = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_changes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "conflicts",
                schema: "legacy",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ChangeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PartyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LegacyCustomerId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Field = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ProtectedLegacyValue = table.Column<string>(type: "text", nullable: true),
                    LegacyVersion = table.Column<long>(type: "bigint", nullable: false),
                    DetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Resolution = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conflicts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sync_states",
                schema: "legacy",
                columns: table => new
                {
                    LegacyCustomerId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    LastVersion = table.Column<long>(type: "bigint", nullable: false),
                    FieldHashes = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_states", x => x.LegacyCustomerId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_changes_PartyId",
                schema: "legacy",
                table: "changes",
                column: "PartyId");

            migrationBuilder.CreateIndex(
                name: "IX_changes_State_ChangedAt",
                schema: "legacy",
                table: "changes",
                columns: new[] { "State", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_DetectedAt",
                schema: "legacy",
                table: "conflicts",
                column: "DetectedAt");

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_PartyId",
                schema: "legacy",
                table: "conflicts",
                column: "PartyId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bill_history_cache",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "changes",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "conflicts",
                schema: "legacy");

            migrationBuilder.DropTable(
                name: "sync_states",
                schema: "legacy");
        }
    }
}
