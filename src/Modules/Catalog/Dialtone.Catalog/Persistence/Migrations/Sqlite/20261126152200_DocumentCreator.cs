using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Catalog.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DocumentCreator : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "catalog_documents",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_catalog_documents_ResourceType_CreatedBy",
                table: "catalog_documents",
                columns: new[] { "ResourceType", "CreatedBy" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_catalog_documents_ResourceType_CreatedBy",
                table: "catalog_documents");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "catalog_documents");
        }
    }
}
