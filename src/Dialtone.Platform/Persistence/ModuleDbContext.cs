using Dialtone.Platform.Hub;
using Dialtone.Platform.Idempotency;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Platform.Persistence;

/// <summary>
/// The base of every module's DbContext: the module's own tables (a table prefix on SQLite, which has no
/// schemas; a schema on PostgreSQL), the platform tables each module keeps for itself (TMF documents and
/// their search index, hub listeners, idempotency keys) and Wolverine's envelope storage so that the
/// module's changes and the messages they cause commit in one transaction.
/// </summary>
public abstract class ModuleDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The module's name: its schema on PostgreSQL, its table prefix on SQLite.</summary>
    protected abstract string Module { get; }

    public DbSet<TmfDocument> Documents => Set<TmfDocument>();

    public DbSet<TmfSearchEntry> SearchEntries => Set<TmfSearchEntry>();

    public DbSet<HubListener> HubListeners => Set<HubListener>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    protected bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (IsSqlite)
        {
            // SQLite cannot compare or order DateTimeOffset text; Unix milliseconds compare as integers.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        if (!IsSqlite)
        {
            modelBuilder.HasDefaultSchema(Module);
        }

        modelBuilder.ApplyConfiguration(new TmfDocumentConfiguration());
        modelBuilder.ApplyConfiguration(new TmfSearchEntryConfiguration());
        modelBuilder.ApplyConfiguration(new HubListenerConfiguration());
        modelBuilder.ApplyConfiguration(new IdempotencyRecordConfiguration());
        OnModuleModelCreating(modelBuilder);
        modelBuilder.MapWolverineEnvelopeStorage(IsSqlite ? null : "wolverine");

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is null)
            {
                continue;
            }

            if (table.StartsWith("wolverine", StringComparison.Ordinal))
            {
                // Wolverine creates and migrates its own tables; the module only writes envelopes into them.
                entity.SetIsTableExcludedFromMigrations(true);
            }
            else if (IsSqlite)
            {
                entity.SetTableName($"{Module}_{table}");
            }
        }
    }

    /// <summary>The module's own entities.</summary>
    protected virtual void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
    }
}

/// <summary>Stores a <see cref="DateTimeOffset"/> as Unix milliseconds in UTC.</summary>
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
