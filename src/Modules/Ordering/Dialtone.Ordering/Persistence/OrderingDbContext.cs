using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Features.IdentityChecks;
using Dialtone.Ordering.Numbers;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dialtone.Ordering.Persistence;

/// <summary>Orders (TMF622), their fulfilment processes and the number pools: <c>ordering_*</c> tables on SQLite, schema <c>ordering</c> on PostgreSQL.</summary>
internal abstract class OrderingDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "ordering";

    protected override string Module => ModuleName;

    public DbSet<OrderProcess> Processes => Set<OrderProcess>();

    public DbSet<NumberAssignment> Numbers => Set<NumberAssignment>();

    public DbSet<IdentityCheck> IdentityChecks => Set<IdentityCheck>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        var protector = ProtectedColumns.ProtectorOf(this);
        var process = modelBuilder.Entity<OrderProcess>();
        process.ToTable("order_processes");
        process.HasKey(p => p.OrderId);
        process.Property(p => p.OrderId).HasMaxLength(64);
        process.Property(p => p.Stage).HasMaxLength(32);
        process.Property(p => p.CreatedBy).HasMaxLength(300);
        process.Property(p => p.CancelId).HasMaxLength(64);
        process.Property(p => p.Version).IsConcurrencyToken();
        process.Ignore(p => p.Steps);
        process.Ignore(p => p.Changes);
        // Steps and planned changes hold MSISDNs, IMSIs and ICCIDs: personal data, encrypted like documents.
        process.Property(p => p.State).IsProtected(protector);
        process.Property(p => p.PartyId).HasMaxLength(64);
        process.HasIndex(p => p.Stage);
        process.HasIndex(p => new { p.PartyId, p.Stage });
        process.HasIndex(p => p.HeldUntil);

        var check = modelBuilder.Entity<IdentityCheck>();
        check.ToTable("identity_checks");
        check.HasKey(c => c.PartyId);
        check.Property(c => c.PartyId).HasMaxLength(64);
        check.Property(c => c.Status).HasMaxLength(16);
        check.Property(c => c.DocumentType).HasMaxLength(32);
        check.Property(c => c.CheckedBy).HasMaxLength(300);

        var number = modelBuilder.Entity<NumberAssignment>();
        number.ToTable("numbers");
        number.HasKey(n => n.Id);
        number.Property(n => n.Kind).HasMaxLength(16);
        number.Property(n => n.Value).HasMaxLength(200);
        number.Property(n => n.Status).HasMaxLength(16);
        number.Property(n => n.OrderId).HasMaxLength(64);
        number.Property(n => n.ProductId).HasMaxLength(64);
        // Deterministic encryption keeps the unique index meaningful: one row per number, whatever races.
        number.Property(n => n.Value).IsProtectedDeterministically(protector);
        number.HasIndex(n => new { n.Kind, n.Value }).IsUnique();
        number.HasIndex(n => n.OrderId);
    }
}

internal sealed class SqliteOrderingDbContext(DbContextOptions<SqliteOrderingDbContext> options) : OrderingDbContext(options);

internal sealed class PostgresOrderingDbContext(DbContextOptions<PostgresOrderingDbContext> options) : OrderingDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqliteOrderingDesignTimeFactory : IDesignTimeDbContextFactory<SqliteOrderingDbContext>
{
    public SqliteOrderingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteOrderingDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("ordering___ef_migrations")).Options);
}

internal sealed class PostgresOrderingDesignTimeFactory : IDesignTimeDbContextFactory<PostgresOrderingDbContext>
{
    public PostgresOrderingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresOrderingDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations", OrderingDbContext.ModuleName)).Options);
}
