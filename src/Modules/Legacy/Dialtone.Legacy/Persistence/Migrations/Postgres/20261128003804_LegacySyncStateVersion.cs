using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LegacySyncStateVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Version",
                schema: "legacy",
                table: "sync_states",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Version",
                schema: "legacy",
                table: "sync_states");
        }
    }
}
