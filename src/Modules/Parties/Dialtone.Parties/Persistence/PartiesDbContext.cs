using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dialtone.Parties.Persistence;

/// <summary>Parties and customers (TMF632, TMF629): <c>parties_*</c> tables on SQLite, schema <c>parties</c> on PostgreSQL.</summary>
internal abstract class PartiesDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "parties";

    protected override string Module => ModuleName;
}

internal sealed class SqlitePartiesDbContext(DbContextOptions<SqlitePartiesDbContext> options) : PartiesDbContext(options);

internal sealed class PostgresPartiesDbContext(DbContextOptions<PostgresPartiesDbContext> options) : PartiesDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqlitePartiesDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePartiesDbContext>
{
    public SqlitePartiesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePartiesDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("parties___ef_migrations")).Options);
}

internal sealed class PostgresPartiesDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPartiesDbContext>
{
    public PostgresPartiesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPartiesDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations", PartiesDbContext.ModuleName)).Options);
}
