using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LegacySyncStateVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Version",
                table: "legacy_sync_states",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Version",
                table: "legacy_sync_states");
        }
    }
}
