using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Catalog.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DocumentCreator : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                schema: "catalog",
                table: "documents",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_documents_ResourceType_CreatedBy",
                schema: "catalog",
                table: "documents",
                columns: new[] { "ResourceType", "CreatedBy" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_documents_ResourceType_CreatedBy",
                schema: "catalog",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                schema: "catalog",
                table: "documents");
        }
    }
}
