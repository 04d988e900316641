using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Parties.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartialSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Ids are answered by the document's key (ADR 0003, amendment of 2026-11-28): their entries are no longer read.
            migrationBuilder.Sql("DELETE FROM \"parties_search_entries\" WHERE \"Path\" = 'id';");

            migrationBuilder.DropIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Number",
                table: "parties_search_entries");

            migrationBuilder.DropIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Text",
                table: "parties_search_entries");

            migrationBuilder.DropIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Time",
                table: "parties_search_entries");

            migrationBuilder.CreateIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Number",
                table: "parties_search_entries",
                columns: new[] { "ResourceType", "Path", "Number" },
                filter: "\"Number\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Text",
                table: "parties_search_entries",
                columns: new[] { "ResourceType", "Path", "Text" },
                filter: "\"Text\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Time",
                table: "parties_search_entries",
                columns: new[] { "ResourceType", "Path", "Time" },
                filter: "\"Time\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Number",
                table: "parties_search_entries");

            migrationBuilder.DropIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Text",
                table: "parties_search_entries");

            migrationBuilder.DropIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Time",
                table: "parties_search_entries");

            migrationBuilder.CreateIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Number",
                table: "parties_search_entries",
                columns: new[] { "ResourceType", "Path", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Text",
                table: "parties_search_entries",
                columns: new[] { "ResourceType", "Path", "Text" });

            migrationBuilder.CreateIndex(
                name: "IX_parties_search_entries_ResourceType_Path_Time",
                table: "parties_search_entries",
                columns: new[] { "ResourceType", "Path", "Time" });
        }
    }
}
