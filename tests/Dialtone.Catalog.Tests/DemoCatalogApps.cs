using Dialtone.Catalog.Contracts;
using Dialtone.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Catalog.Tests;

/// <summary>
/// One app per database with the demo catalog loaded (a class fixture, like <see cref="DialtoneApps"/>), for tests that
/// read what Dialtone Mobile sells. No demo subscribers: only the reference data.
/// </summary>
public sealed class DemoCatalogApps : IAsyncDisposable
{
    private readonly Dictionary<TestDatabase, Task<DialtoneApp>> apps = [];
    private readonly Lock gate = new();

    /// <summary>The app on <paramref name="database"/>, once its demo catalog is loaded.</summary>
    public Task<DialtoneApp> ForAsync(TestDatabase database)
    {
        lock (gate)
        {
            if (!apps.TryGetValue(database, out var app))
            {
                app = StartAsync(database);
                apps[database] = app;
            }

            return app;
        }
    }

    private static async Task<DialtoneApp> StartAsync(TestDatabase database)
    {
        var app = new DialtoneApp(database, new Dictionary<string, string?>
        {
            ["Dialtone:SeedDemoData"] = "true",
            ["Dialtone:DemoSubscribers"] = "0",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await app.Services.GetRequiredService<DatabaseReadiness>().WhenReferenceDataLoadedAsync(timeout.Token);
        // The seeders register when the host builds them, so the wait above covers the demo catalog; its last offering is
        // looked up as well, so that a seeder that failed shows here rather than as a missing offering in a later test.
        while (true)
        {
            await using var scope = app.Services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<IOfferingCatalog>().FindOrderableOfferingIdAsync("World Pass", app.Clock.GetUtcNow(), timeout.Token) is not null)
            {
                return app;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps.Values)
        {
            await (await app).DisposeAsync();
        }
    }
}
