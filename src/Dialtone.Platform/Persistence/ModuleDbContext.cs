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

    /// <summary>The module's name (see <see cref="Module"/>).</summary>
    public string OwningModule => Module;

    public DbSet<TmfDocument> Documents => Set<TmfDocument>();

    public DbSet<TmfSearchEntry> SearchEntries => Set<TmfSearchEntry>();

    public DbSet<HubListener> HubListeners => Set<HubListener>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<Audit.AuditEntry> AuditLog => Set<Audit.AuditEntry>();

    protected bool IsSqlite => ModuleModel.IsSqlite(this);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        ModuleModel.ConfigureConventions(this, configurationBuilder);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ModuleModel.BeginModel(this, modelBuilder, Module);
        modelBuilder.ApplyConfiguration(new TmfDocumentConfiguration());
        modelBuilder.ApplyConfiguration(new TmfSearchEntryConfiguration());
        modelBuilder.ApplyConfiguration(new HubListenerConfiguration());
        modelBuilder.ApplyConfiguration(new IdempotencyRecordConfiguration());
        modelBuilder.ApplyConfiguration(new Audit.AuditEntryConfiguration());

        // Documents and remembered responses may hold personal data: encrypted at rest in every module (docs/decisions/0009).
        var protector = PersonalData.ProtectedColumns.ProtectorOf(this);
        PersonalData.ProtectedColumns.IsProtected(modelBuilder.Entity<TmfDocument>().Property(d => d.Body), protector);
        PersonalData.ProtectedColumns.IsProtected(modelBuilder.Entity<IdempotencyRecord>().Property(r => r.ResponseBody), protector);
        OnModuleModelCreating(modelBuilder);
        ModuleModel.EndModel(this, modelBuilder, Module);
    }

    /// <summary>The module's own entities.</summary>
    protected virtual void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
    }
}

/// <summary>
/// The conventions every module's model follows, for DbContexts that cannot derive from <see cref="ModuleDbContext"/>
/// (ASP.NET Core Identity's has its own base class).
/// </summary>
public static class ModuleModel
{
    public static bool IsSqlite(DbContext context) => context.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    public static void ConfigureConventions(DbContext context, ModelConfigurationBuilder configurationBuilder)
    {
        if (IsSqlite(context))
        {
            // SQLite cannot compare or order DateTimeOffset text; Unix milliseconds compare as integers.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        }
    }

    public static void BeginModel(DbContext context, ModelBuilder modelBuilder, string module)
    {
        if (!IsSqlite(context))
        {
            modelBuilder.HasDefaultSchema(module);
        }
    }

    /// <summary>Maps Wolverine's envelopes (excluded from the module's migrations) and prefixes the module's tables on SQLite.</summary>
    public static void EndModel(DbContext context, ModelBuilder modelBuilder, string module)
    {
        var sqlite = IsSqlite(context);
        modelBuilder.MapWolverineEnvelopeStorage(sqlite ? null : "wolverine");
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
            else if (sqlite && !table.StartsWith(module + "_", StringComparison.Ordinal))
            {
                entity.SetTableName($"{module}_{table}");
            }
        }
    }
}

/// <summary>Stores a <see cref="DateTimeOffset"/> as Unix milliseconds in UTC.</summary>
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
