using Dialtone.Identity.Domain;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Identity.Seeding;

/// <summary>
/// After start: the roles; the first admin when <c>Dialtone:Identity:BootstrapAdmin</c> is set and no admin exists; the
/// portal client; and, only while <c>Dialtone:SeedDemoData</c> is on, the demo staff accounts and clients the README lists.
/// </summary>
internal sealed partial class IdentitySeeder(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, DialtoneDatabase database,
    IOptions<DialtoneOptions> platform, IOptions<DialtoneIdentityOptions> identity, ILogger<IdentitySeeder> logger) : BackgroundService
{
    /// <summary>The demo password of every demo account and the secret prefix of demo clients: demo mode only.</summary>
    public const string DemoPassword = "Dialtone-demo-2026";

    private readonly Action done = readiness.RegisterReferenceDataSeeder();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!await readiness.WhenStartedAsync(lifetime, stoppingToken))
            {
                return;
            }

            // Nodes starting together on one database take turns, so the second finds the roles and clients there.
            await using var startupLock = await StartupLock.AcquireAsync(database, 0x4469616C49, stoppingToken);
            await using var scope = scopes.CreateAsyncScope();
            var accounts = scope.ServiceProvider.GetRequiredService<IdentityAccounts>();
            await accounts.EnsureRolesAsync();
            await accounts.CreatePortalClientAsync("dialtone-portal", identity.Value.PortalRedirectUris);

            var bootstrap = identity.Value.BootstrapAdmin;
            if (bootstrap is { Email.Length: > 0, Password.Length: > 0 } && !await accounts.AnyInRoleAsync(DialtoneRoles.Admin))
            {
                await accounts.CreateStaffAsync(bootstrap.Email, bootstrap.Password, DialtoneRoles.Admin);
                LogBootstrapped(logger);
            }

            if (platform.Value.SeedDemoData)
            {
                await accounts.CreateStaffAsync("admin@dialtone.example", DemoPassword, DialtoneRoles.Admin);
                await accounts.CreateStaffAsync("agent@dialtone.example", DemoPassword, DialtoneRoles.Agent);
                await accounts.CreateStaffAsync("pm@dialtone.example", DemoPassword, DialtoneRoles.ProductManager);
                await accounts.CreateMachineClientAsync("demo-partner", DemoPassword + "-partner", "Demo partner", DialtoneRoles.Partner);
                await accounts.CreateMachineClientAsync("demo-network", DemoPassword + "-network", "Demo 5G core (SMF/CHF consumer)", DialtoneRoles.Network);
                await accounts.CreateMachineClientAsync("demo-catalog-sync", DemoPassword + "-catalog", "Demo catalog integration", DialtoneRoles.ProductManager);
                LogDemo(logger);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The node keeps serving; the next start tries again.
            LogFailed(logger, e);
        }
        finally
        {
            done();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Preparing roles, clients and accounts failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin from Dialtone:Identity:BootstrapAdmin; remove that setting now")]
    private static partial void LogBootstrapped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo identity: staff accounts and clients are present (demo mode only)")]
    private static partial void LogDemo(ILogger logger);
}
