using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Catalog.Persistence;

/// <summary>The catalog's own tables: <c>catalog_*</c> on SQLite, schema <c>catalog</c> on PostgreSQL.</summary>
internal abstract class CatalogDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "catalog";

    protected override string Module => ModuleName;
}

/// <summary>The catalog on SQLite; its migrations live in Persistence/Migrations/Sqlite.</summary>
internal sealed class SqliteCatalogDbContext(DbContextOptions<SqliteCatalogDbContext> options) : CatalogDbContext(options);

/// <summary>The catalog on PostgreSQL; its migrations live in Persistence/Migrations/Postgres.</summary>
internal sealed class PostgresCatalogDbContext(DbContextOptions<PostgresCatalogDbContext> options) : CatalogDbContext(options);
