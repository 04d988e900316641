using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Charging.Usage.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AllowanceNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "usage_notifications",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    PartyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    BucketId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    AllowanceName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AllowanceKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Percent = table.Column<int>(type: "INTEGER", nullable: false),
                    Used = table.Column<long>(type: "INTEGER", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    ReachedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_notifications", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_usage_notifications_PartyId_ReachedAt",
                table: "usage_notifications",
                columns: new[] { "PartyId", "ReachedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "usage_notifications");
        }
    }
}
