using System.Security.Cryptography;
using Dialtone.Platform.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Dialtone.Identity.Persistence;

/// <summary>
/// Gives OpenIddict its signing and encryption keys from the identity tables, creating them on first start. The
/// private keys are protected with ASP.NET Core Data Protection, whose key ring lives in the same database, so every
/// node of a PostgreSQL cluster signs and validates with the same keys and a restart keeps them.
/// </summary>
internal sealed class TokenKeyRing(IServiceScopeFactory scopes, DatabaseReadiness readiness) : IConfigureOptions<OpenIddictServerOptions>
{
    private const string Purpose = "Dialtone.Identity.TokenKeys";

    public void Configure(OpenIddictServerOptions options)
    {
        // Options are built on the first token request or validation, which can come while the host is still migrating:
        // wait for the migrator (running Migrate here as well raced EF Core's model initialisation).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!readiness.IsMigrated)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The identity tables are not migrated yet; try again when /health/ready answers.");
            }

            Thread.Sleep(50);
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityStoreDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

        var signing = Load(db, protector, "signing");
        var encryption = Load(db, protector, "encryption");
        options.SigningCredentials.Insert(0, new SigningCredentials(signing, SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Insert(0, new EncryptingCredentials(encryption, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private static RsaSecurityKey Load(IdentityStoreDbContext db, IDataProtector protector, string use)
    {
        var stored = db.SigningKeys.AsNoTracking().Where(k => k.Use == use).OrderByDescending(k => k.CreatedAt).FirstOrDefault();
        if (stored is null)
        {
            using var created = RSA.Create(2048);
            stored = new SigningKey
            {
                Id = Guid.CreateVersion7().ToString(),
                Use = use,
                ProtectedPrivateKey = protector.Protect(created.ExportPkcs8PrivateKeyPem()),
                CreatedAt = DateTimeOffset.UtcNow,
            };
            db.SigningKeys.Add(stored);
            try
            {
                db.SaveChanges();
            }
            catch (DbUpdateException)
            {
                // Another node created one at the same moment: use the newest.
                db.ChangeTracker.Clear();
                stored = db.SigningKeys.AsNoTracking().Where(k => k.Use == use).OrderByDescending(k => k.CreatedAt).First();
            }
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(protector.Unprotect(stored.ProtectedPrivateKey));
        return new RsaSecurityKey(rsa) { KeyId = stored.Id };
    }
}
