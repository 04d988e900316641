using Dialtone.Platform;
using Dialtone.Platform.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Catalog.Seeding;

/// <summary>Loads the demo catalog once, after the host has started, when <c>Dialtone:SeedDemoData</c> is on.</summary>
internal sealed partial class DemoCatalogSeeder(
    IServiceProvider services, IHostApplicationLifetime lifetime, DatabaseReadiness readiness,
    IOptions<DialtoneOptions> options, ILogger<DemoCatalogSeeder> logger) : BackgroundService
{
    private readonly Action done = readiness.RegisterReferenceDataSeeder();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!options.Value.SeedDemoData || !await readiness.WhenStartedAsync(lifetime, stoppingToken))
            {
                return;
            }

            var created = await DemoCatalog.LoadAsync(services, options.Value, stoppingToken);
            LogSeeded(logger, created);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Demo data is a convenience: a failure is logged and the node keeps serving; the next start tries again.
            LogFailed(logger, e);
        }
        finally
        {
            done();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the demo catalog failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo catalog: {Count} resources created")]
    private static partial void LogSeeded(ILogger logger, int count);
}
