using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ImportJobLines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "LinesCreated",
                table: "legacy_import_jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesImported",
                table: "legacy_import_jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesRejected",
                table: "legacy_import_jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesTerminated",
                table: "legacy_import_jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesTotal",
                table: "legacy_import_jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LinesCreated",
                table: "legacy_import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesImported",
                table: "legacy_import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesRejected",
                table: "legacy_import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesTerminated",
                table: "legacy_import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesTotal",
                table: "legacy_import_jobs");
        }
    }
}
