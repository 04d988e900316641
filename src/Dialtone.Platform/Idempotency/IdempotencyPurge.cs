using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Idempotency;

/// <summary>Deletes idempotency keys (and the responses kept with them) once their lifetime is over, in every module.</summary>
public sealed partial class IdempotencyPurge(
    IServiceScopeFactory scopes, ModuleDatabases modules, DatabaseReadiness readiness, TimeProvider clock,
    IOptions<DialtoneOptions> options, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    /// <summary>One purge pass; returns how many records were deleted.</summary>
    public async Task<int> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var deleted = 0;
        await using var scope = scopes.CreateAsyncScope();
        foreach (var type in modules.Contexts.Where(t => t.IsAssignableTo(typeof(ModuleDbContext))))
        {
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(type);
            deleted += await db.IdempotencyRecords.Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Idempotency.PurgeInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsMigrated)
            {
                continue;
            }

            try
            {
                var deleted = await PurgeOnceAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogPurged(logger, deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency key(s)")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired idempotency keys failed; the next pass retries")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
