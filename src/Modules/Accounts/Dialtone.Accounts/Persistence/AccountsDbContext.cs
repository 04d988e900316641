using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dialtone.Accounts.Persistence;

/// <summary>Accounts and customers (TMF632, TMF629): <c>accounts_*</c> tables on SQLite, schema <c>accounts</c> on PostgreSQL.</summary>
internal abstract class AccountsDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "accounts";

    protected override string Module => ModuleName;
}

internal sealed class SqliteAccountsDbContext(DbContextOptions<SqliteAccountsDbContext> options) : AccountsDbContext(options);

internal sealed class PostgresAccountsDbContext(DbContextOptions<PostgresAccountsDbContext> options) : AccountsDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqliteAccountsDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAccountsDbContext>
{
    public SqliteAccountsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAccountsDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("accounts___ef_migrations")).Options);
}

internal sealed class PostgresAccountsDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAccountsDbContext>
{
    public PostgresAccountsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAccountsDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations", AccountsDbContext.ModuleName)).Options);
}
