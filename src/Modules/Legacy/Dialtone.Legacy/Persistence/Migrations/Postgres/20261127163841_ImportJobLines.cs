using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Legacy.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImportJobLines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "LinesCreated",
                schema: "legacy",
                table: "import_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesImported",
                schema: "legacy",
                table: "import_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesRejected",
                schema: "legacy",
                table: "import_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesTerminated",
                schema: "legacy",
                table: "import_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LinesTotal",
                schema: "legacy",
                table: "import_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LinesCreated",
                schema: "legacy",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesImported",
                schema: "legacy",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesRejected",
                schema: "legacy",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesTerminated",
                schema: "legacy",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "LinesTotal",
                schema: "legacy",
                table: "import_jobs");
        }
    }
}
