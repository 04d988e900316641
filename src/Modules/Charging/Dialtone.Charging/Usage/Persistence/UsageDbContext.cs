using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dialtone.Charging.Usage.Persistence;

/// <summary>
/// Rated usage records (TMF635) in a table of their own (<see cref="Records"/>, <see cref="RecordParties"/>; no search
/// entries, and documents only for records stored before it): <c>usage_*</c> tables on SQLite, schema <c>usage</c> on PostgreSQL. Not the grain store
/// (<c>charging</c>), which the relay reads from; this is the main database, beside the other modules. It also holds the
/// allowance threshold notifications of the self-service portal.
/// </summary>
internal abstract class UsageDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "usage";

    protected override string Module => ModuleName;

    /// <summary>Allowance threshold notices per party (self-service notifications).</summary>
    public DbSet<Notifications.AllowanceNotification> Notifications => Set<Notifications.AllowanceNotification>();

    /// <summary>The records, a row each, with what usage lists filter and sort on.</summary>
    public DbSet<UsageRecordRow> Records => Set<UsageRecordRow>();

    /// <summary>The parties each record names.</summary>
    public DbSet<UsagePartyRow> RecordParties => Set<UsagePartyRow>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new Notifications.AllowanceNotificationConfiguration());
        modelBuilder.ApplyConfiguration(new UsageRecordRowConfiguration());
        // Traffic data (what a line used, when, where): encrypted at rest like every document (ADR 0009).
        Platform.PersonalData.ProtectedColumns.IsProtected(modelBuilder.Entity<UsageRecordRow>().Property(r => r.Record), Platform.PersonalData.ProtectedColumns.ProtectorOf(this));
        modelBuilder.ApplyConfiguration(new UsagePartyRowConfiguration());
    }
}

internal sealed class SqliteUsageDbContext(DbContextOptions<SqliteUsageDbContext> options) : UsageDbContext(options);

internal sealed class PostgresUsageDbContext(DbContextOptions<PostgresUsageDbContext> options) : UsageDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqliteUsageDesignTimeFactory : IDesignTimeDbContextFactory<SqliteUsageDbContext>
{
    public SqliteUsageDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteUsageDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("usage___ef_migrations")).Options);
}

internal sealed class PostgresUsageDesignTimeFactory : IDesignTimeDbContextFactory<PostgresUsageDbContext>
{
    public PostgresUsageDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresUsageDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations", UsageDbContext.ModuleName)).Options);
}
