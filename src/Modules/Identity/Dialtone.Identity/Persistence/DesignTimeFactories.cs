using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dialtone.Identity.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqliteIdentityDesignTimeFactory : IDesignTimeDbContextFactory<SqliteIdentityStoreDbContext>
{
    public SqliteIdentityStoreDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteIdentityStoreDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("identity___ef_migrations"))
            .UseOpenIddict().Options);
}

internal sealed class PostgresIdentityDesignTimeFactory : IDesignTimeDbContextFactory<PostgresIdentityStoreDbContext>
{
    public PostgresIdentityStoreDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresIdentityStoreDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations", IdentityStoreDbContext.ModuleName))
            .UseOpenIddict().Options);
}
