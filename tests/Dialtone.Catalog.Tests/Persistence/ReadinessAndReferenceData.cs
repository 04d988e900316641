using System.Net;
using Dialtone.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dialtone.Catalog.Tests.Persistence;

/// <summary>
/// Ready means a client finds what the node serves from its first request: the database migrated and answering, and
/// the reference data (roles, clients, the demo catalog when on) loaded. A newcomer who waited for ready and then listed
/// the demo catalog saw half of it.
/// </summary>
public sealed class ReadinessAndReferenceData
{
    [Fact]
    public async Task ANodeIsNotReadyWhileAReferenceDataSeederIsStillLoading()
    {
        var seeder = new HeldSeeder();
        await using var app = new DialtoneApp(services: services => services.AddHostedService(provider =>
        {
            seeder.Register(provider.GetRequiredService<DatabaseReadiness>());
            return seeder;
        }));
        using var client = app.CreateClient();
        await seeder.Started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        using (var loading = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, loading.StatusCode);
            Assert.Contains("Unhealthy", await loading.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        seeder.Finish();
        using var ready = await app.WaitUntilReadyAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task WhenADemoNodeIsReadyItsWholeDemoCatalogIsListed()
    {
        await using var app = new DialtoneApp(overrides: new Dictionary<string, string?> { ["Dialtone:SeedDemoData"] = "true", ["Dialtone:DemoSubscribers"] = "0" });
        using var ready = await app.WaitUntilReadyAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // Read once, at the moment the node says it is ready: the demo catalog is complete (its 11 launched offerings).
        using var client = app.CreateClient();
        using var list = await client.GetAsync($"{TmfHttp.Catalog}/productOffering?lifecycleStatus=Launched&limit=100");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("11", list.Headers.GetValues("X-Total-Count").Single());
    }

    /// <summary>A reference-data seeder that runs until the test lets it finish.</summary>
    private sealed class HeldSeeder : BackgroundService
    {
        private readonly TaskCompletionSource finish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Action? done;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Register(DatabaseReadiness readiness) => done = readiness.RegisterReferenceDataSeeder();

        public void Finish() => finish.TrySetResult();

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                Started.TrySetResult();
                await finish.Task.WaitAsync(stoppingToken);
            }
            finally
            {
                done?.Invoke();
            }
        }
    }
}
