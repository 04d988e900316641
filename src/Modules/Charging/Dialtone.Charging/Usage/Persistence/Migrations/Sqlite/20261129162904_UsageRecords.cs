using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Charging.Usage.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "usage_record_parties",
                columns: table => new
                {
                    PartyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DocumentId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_record_parties", x => new { x.PartyId, x.DocumentId });
                });

            migrationBuilder.CreateTable(
                name: "usage_records",
                columns: table => new
                {
                    DocumentId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Record = table.Column<string>(type: "TEXT", nullable: true),
                    WrittenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    UsageDate = table.Column<long>(type: "INTEGER", nullable: false),
                    UsageType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Included = table.Column<bool>(type: "INTEGER", nullable: false),
                    Overage = table.Column<bool>(type: "INTEGER", nullable: false),
                    Billed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Unbilled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_records", x => x.DocumentId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_usage_records_ProductId_UsageDate",
                table: "usage_records",
                columns: new[] { "ProductId", "UsageDate" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_records_UsageDate",
                table: "usage_records",
                column: "UsageDate");

            // The records stored as documents before: their index moves out of the search entries.
            UsageRecordsMigration.Up(migrationBuilder, name => $"\"usage_{name}\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            UsageRecordsMigration.Down(migrationBuilder, name => $"\"usage_{name}\"");

            migrationBuilder.DropTable(
                name: "usage_record_parties");

            migrationBuilder.DropTable(
                name: "usage_records");
        }
    }
}
