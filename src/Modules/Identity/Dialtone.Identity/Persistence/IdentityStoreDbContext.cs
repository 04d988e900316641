using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Identity.Persistence;

/// <summary>
/// The identity module's tables: ASP.NET Core Identity (users, roles, claims, logins), OpenIddict (applications,
/// authorizations, scopes, tokens), the Data Protection key ring and the token signing keys, all in the shared
/// database (<c>identity_*</c> on SQLite, schema <c>identity</c> on PostgreSQL) so that every node shares them.
/// </summary>
internal abstract class IdentityStoreDbContext(DbContextOptions options)
    : IdentityDbContext<IdentityUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public const string ModuleName = "identity";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<Domain.MailMessage> MailOutbox => Set<Domain.MailMessage>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        ModuleModel.ConfigureConventions(this, configurationBuilder);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ModuleModel.BeginModel(this, builder, ModuleName);
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        builder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Use).HasMaxLength(16);
        });
        builder.ApplyConfiguration(new Domain.MailMessageConfiguration());
        var protector = ProtectedColumns.ProtectorOf(this);
        builder.Entity<Domain.MailMessage>().Property(m => m.To).IsProtectedDeterministically(protector);
        builder.Entity<Domain.MailMessage>().Property(m => m.Body).IsProtected(protector);
        ModuleModel.EndModel(this, builder, ModuleName);
    }
}

/// <summary>An RSA key OpenIddict signs or encrypts tokens with, stored protected by Data Protection.</summary>
internal sealed class SigningKey
{
    public string Id { get; set; } = "";

    /// <summary><c>signing</c> or <c>encryption</c>.</summary>
    public string Use { get; set; } = "";

    public string ProtectedPrivateKey { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Identity on SQLite; migrations in Persistence/Migrations/Sqlite.</summary>
internal sealed class SqliteIdentityStoreDbContext(DbContextOptions<SqliteIdentityStoreDbContext> options) : IdentityStoreDbContext(options);

/// <summary>Identity on PostgreSQL; migrations in Persistence/Migrations/Postgres.</summary>
internal sealed class PostgresIdentityStoreDbContext(DbContextOptions<PostgresIdentityStoreDbContext> options) : IdentityStoreDbContext(options);
