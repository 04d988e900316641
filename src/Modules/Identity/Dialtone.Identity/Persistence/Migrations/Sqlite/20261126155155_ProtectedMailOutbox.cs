using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dialtone.Identity.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProtectedMailOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
