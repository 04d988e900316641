using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Charging.Usage.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsageRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "record_parties",
                schema: "usage",
                columns: table => new
                {
                    PartyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DocumentId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_record_parties", x => new { x.PartyId, x.DocumentId });
                });

            migrationBuilder.CreateTable(
                name: "records",
                schema: "usage",
                columns: table => new
                {
                    DocumentId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Record = table.Column<string>(type: "text", nullable: true),
                    WrittenAt = table.Column<long>(type: "bigint", nullable: true),
                    ProductId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    UsageDate = table.Column<long>(type: "bigint", nullable: false),
                    UsageType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Included = table.Column<bool>(type: "boolean", nullable: false),
                    Overage = table.Column<bool>(type: "boolean", nullable: false),
                    Billed = table.Column<bool>(type: "boolean", nullable: false),
                    Unbilled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_records", x => x.DocumentId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_records_ProductId_UsageDate",
                schema: "usage",
                table: "records",
                columns: new[] { "ProductId", "UsageDate" });

            migrationBuilder.CreateIndex(
                name: "IX_records_UsageDate",
                schema: "usage",
                table: "records",
                column: "UsageDate");

            // The records stored as documents before: their index moves out of the search entries.
            UsageRecordsMigration.Up(migrationBuilder, name => $"\"usage\".\"{name}\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            UsageRecordsMigration.Down(migrationBuilder, name => $"\"usage\".\"{name}\"");

            migrationBuilder.DropTable(
                name: "record_parties",
                schema: "usage");

            migrationBuilder.DropTable(
                name: "records",
                schema: "usage");
        }
    }
}
