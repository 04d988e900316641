using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dialtone.Inventory.Persistence;

/// <summary>Products (TMF637) and services (TMF638): <c>inventory_*</c> tables on SQLite, schema <c>inventory</c> on PostgreSQL.</summary>
internal abstract class InventoryDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "inventory";

    protected override string Module => ModuleName;

    public DbSet<EsimActivation> EsimActivations => Set<EsimActivation>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        var activation = modelBuilder.Entity<EsimActivation>();
        activation.ToTable("esim_activations");
        activation.HasKey(a => a.ProductId);
        activation.Property(a => a.ProductId).HasMaxLength(64);
        // Whoever holds the code can download the profile: encrypted like personal data, shown to the line's owner only.
        activation.Property(a => a.ActivationCode).IsProtected(ProtectedColumns.ProtectorOf(this));
    }
}

/// <summary>The activation code of a line's current eSIM profile (replaced by a SIM swap).</summary>
internal sealed class EsimActivation
{
    public string ProductId { get; set; } = "";

    public string ActivationCode { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }
}

internal sealed class SqliteInventoryDbContext(DbContextOptions<SqliteInventoryDbContext> options) : InventoryDbContext(options);

internal sealed class PostgresInventoryDbContext(DbContextOptions<PostgresInventoryDbContext> options) : InventoryDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqliteInventoryDesignTimeFactory : IDesignTimeDbContextFactory<SqliteInventoryDbContext>
{
    public SqliteInventoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteInventoryDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("inventory___ef_migrations")).Options);
}

internal sealed class PostgresInventoryDesignTimeFactory : IDesignTimeDbContextFactory<PostgresInventoryDbContext>
{
    public PostgresInventoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresInventoryDbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations", InventoryDbContext.ModuleName)).Options);
}
