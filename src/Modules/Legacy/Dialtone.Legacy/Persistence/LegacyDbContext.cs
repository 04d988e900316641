using Dialtone.Legacy.Features.BillHistory;
using Dialtone.Legacy.Features.ImportJobs;
using Dialtone.Legacy.Features.PlanMappings;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Features.Reconciliation;
using Dialtone.Legacy.Features.Sync;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dialtone.Legacy.Persistence;

/// <summary>The anti-corruption layer's own state (import jobs, their error reports, the plan-code mapping, the bill history cache, changes on their way to legacy, the change-feed cursor, reconciliations and their drift): <c>legacy_*</c> tables on SQLite, schema <c>legacy</c> on PostgreSQL.</summary>
internal abstract class LegacyDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "legacy";

    protected override string Module => ModuleName;

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportJobIssue> ImportJobIssues => Set<ImportJobIssue>();

    public DbSet<PlanMapping> PlanMappings => Set<PlanMapping>();

    public DbSet<BillHistoryCacheEntry> BillHistoryCache => Set<BillHistoryCacheEntry>();

    public DbSet<LegacyChange> Changes => Set<LegacyChange>();

    public DbSet<LegacySyncState> SyncStates => Set<LegacySyncState>();

    public DbSet<LegacyConflict> Conflicts => Set<LegacyConflict>();

    public DbSet<LegacyFeedCursor> FeedCursors => Set<LegacyFeedCursor>();

    public DbSet<LegacyReconciliation> Reconciliations => Set<LegacyReconciliation>();

    public DbSet<LegacyDrift> Drifts => Set<LegacyDrift>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        var job = modelBuilder.Entity<ImportJob>();
        job.ToTable("import_jobs");
        job.HasKey(j => j.Id);
        job.Property(j => j.Id).HasMaxLength(64);
        job.Property(j => j.State).HasMaxLength(16);
        job.Property(j => j.SourceKind).HasMaxLength(16);
        job.Property(j => j.SourceUrl).HasMaxLength(500);
        job.Property(j => j.CreatedBy).HasMaxLength(300);
        job.Property(j => j.Failure).HasMaxLength(1000);
        job.Property(j => j.Version).IsConcurrencyToken();
        job.HasIndex(j => j.State);

        // The report holds masked values only (j***@example.com, …67): what the operator needs to find the row, no more.
        var issue = modelBuilder.Entity<ImportJobIssue>();
        issue.ToTable("import_job_issues");
        issue.HasKey(i => i.Id);
        issue.Property(i => i.JobId).HasMaxLength(64);
        issue.Property(i => i.LegacyCustomerId).HasMaxLength(32);
        issue.Property(i => i.Field).HasMaxLength(32);
        issue.Property(i => i.Reason).HasMaxLength(300);
        issue.Property(i => i.Value).HasMaxLength(100);
        issue.Property(i => i.Severity).HasMaxLength(16);
        issue.HasIndex(i => new { i.JobId, i.RowNumber });

        var mapping = modelBuilder.Entity<PlanMapping>();
        mapping.ToTable("plan_mappings");
        mapping.HasKey(m => m.LegacyPlanCode);
        mapping.Property(m => m.LegacyPlanCode).HasMaxLength(32);
        mapping.Property(m => m.ProductOfferingId).HasMaxLength(64);
        mapping.Property(m => m.UpdatedBy).HasMaxLength(300);

        var bills = modelBuilder.Entity<BillHistoryCacheEntry>();
        bills.ToTable("bill_history_cache");
        bills.HasKey(b => b.CustomerId);
        bills.Property(b => b.CustomerId).HasMaxLength(64);

        var change = modelBuilder.Entity<LegacyChange>();
        change.ToTable("changes");
        change.HasKey(c => c.Id);
        change.Property(c => c.Id).HasMaxLength(64);
        change.Property(c => c.PartyId).HasMaxLength(64);
        change.Property(c => c.Kind).HasMaxLength(16);
        change.Property(c => c.LegacyCustomerIds).HasMaxLength(500);
        change.Property(c => c.State).HasMaxLength(16);
        change.Property(c => c.TraceParent).HasMaxLength(64);
        change.Property(c => c.LastError).HasMaxLength(300);
        change.Ignore(c => c.LegacyIds);
        change.Ignore(c => c.TraceId);
        change.HasIndex(c => new { c.State, c.ChangedAt });
        change.HasIndex(c => c.PartyId);

        var sync = modelBuilder.Entity<LegacySyncState>();
        sync.ToTable("sync_states");
        sync.HasKey(s => s.LegacyCustomerId);
        sync.Property(s => s.LegacyCustomerId).HasMaxLength(32);
        sync.Property(s => s.FieldHashes).HasMaxLength(1000);
        sync.Property(s => s.Version).IsConcurrencyToken();

        var conflict = modelBuilder.Entity<LegacyConflict>();
        conflict.ToTable("conflicts");
        conflict.HasKey(c => c.Id);
        conflict.Property(c => c.Id).HasMaxLength(64);
        conflict.Property(c => c.ChangeId).HasMaxLength(64);
        conflict.Property(c => c.PartyId).HasMaxLength(64);
        conflict.Property(c => c.LegacyCustomerId).HasMaxLength(32);
        conflict.Property(c => c.Field).HasMaxLength(16);
        conflict.Property(c => c.Resolution).HasMaxLength(32);
        conflict.HasIndex(c => c.DetectedAt);
        conflict.Property(c => c.Direction).HasMaxLength(16).HasDefaultValue(LegacyConflict.ToLegacy);
        conflict.HasIndex(c => c.PartyId);

        var cursor = modelBuilder.Entity<LegacyFeedCursor>();
        cursor.ToTable("feed_cursors");
        cursor.HasKey(c => c.Id);
        cursor.Property(c => c.Id).HasMaxLength(32);
        cursor.Property(c => c.LastError).HasMaxLength(300);
        cursor.Property(c => c.LeaseOwner).HasMaxLength(100);
        cursor.Property(c => c.Version).IsConcurrencyToken();

        var reconciliation = modelBuilder.Entity<LegacyReconciliation>();
        reconciliation.ToTable("reconciliations");
        reconciliation.HasKey(r => r.Id);
        reconciliation.Property(r => r.Id).HasMaxLength(64);
        reconciliation.Property(r => r.Mode).HasMaxLength(16);
        reconciliation.Property(r => r.State).HasMaxLength(16);
        reconciliation.Property(r => r.RequestedBy).HasMaxLength(300);
        reconciliation.Property(r => r.Cursor).HasMaxLength(200);
        reconciliation.Property(r => r.Summary).HasMaxLength(4000);
        reconciliation.Property(r => r.Failure).HasMaxLength(300);
        reconciliation.Property(r => r.LeaseOwner).HasMaxLength(100);
        reconciliation.Property(r => r.Version).IsConcurrencyToken();
        reconciliation.HasIndex(r => r.State);

        var drift = modelBuilder.Entity<LegacyDrift>();
        drift.ToTable("drifts");
        drift.HasKey(d => d.Id);
        drift.Property(d => d.Id).HasMaxLength(64);
        drift.Property(d => d.ReconciliationId).HasMaxLength(64);
        drift.Property(d => d.LegacyCustomerId).HasMaxLength(32);
        drift.Property(d => d.PartyId).HasMaxLength(64);
        drift.Property(d => d.Fields).HasMaxLength(500);
        drift.Property(d => d.Repair).HasMaxLength(64);
        drift.HasIndex(d => new { d.ReconciliationId, d.LegacyCustomerId }).IsUnique();
        drift.HasIndex(d => d.PartyId);
    }
}

internal sealed class SqliteLegacyDbContext(DbContextOptions<SqliteLegacyDbContext> options) : LegacyDbContext(options);

internal sealed class PostgresLegacyDbContext(DbContextOptions<PostgresLegacyDbContext> options) : LegacyDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqliteLegacyDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLegacyDbContext>
{
    public SqliteLegacyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLegacyDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("legacy___ef_migrations")).Options);
}

internal sealed class PostgresLegacyDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLegacyDbContext>
{
    public PostgresLegacyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLegacyDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations", LegacyDbContext.ModuleName)).Options);
}
