using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>
/// Keeps the changes legacy has received for <c>Dialtone:Legacy:Propagation:DeliveredRetention</c> (default 30 days: long
/// enough to follow a change by its trace id, short enough that the table stays the size of the traffic, not of its
/// history), then deletes them. Pending, awaiting-erasure and dead-lettered changes are never deleted: they are work
/// still owed to legacy (a dead letter leaves only by a replay). The same sweep abandons an erasure whose request
/// failed half-way and was not asked again (the person still not erased after <c>ErasureRequestTimeout</c>), so the
/// operator sees it in <c>abandonedErasures</c> whether or not the person changes anything after it.
/// </summary>
internal sealed partial class LegacyChangeRetention(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, IOptions<LegacyOptions> options,
    TimeProvider clock, ILogger<LegacyChangeRetention> logger) : BackgroundService
{
    /// <summary>One pass: deletes the changes delivered before the retention window; returns how many.</summary>
    public async Task<int> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.Propagation.DeliveredRetention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        return await db.Changes.Where(c => c.State == LegacyChangeStates.Delivered && c.DeliveredAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>One pass: abandons the erasures awaiting the end of a request that did not erase the person within <c>ErasureRequestTimeout</c>; returns how many.</summary>
    public async Task<int> AbandonUnfinishedErasuresOnceAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.Propagation.ErasureRequestTimeout;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        var records = scope.ServiceProvider.GetRequiredService<ICustomerRecords>();
        var parties = await LegacyChangeStaging.UnfinishedErasures(db, before).Select(c => c.PartyId).Distinct().ToListAsync(cancellationToken);
        var abandoned = 0;
        foreach (var partyId in parties)
        {
            // An erased person's erasure is released by PersonalDataErased (already on its way): only a person who is
            // still there had a request that failed half-way.
            if (await records.FindByPartyAsync(partyId, cancellationToken) is { Erased: false })
            {
                abandoned += await LegacyChangeStaging.AbandonUnfinishedErasuresAsync(db, partyId, before, cancellationToken);
            }
        }

        return abandoned;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await readiness.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Propagation.RetentionSweepInterval, clock);
        do
        {
            try
            {
                var deleted = await PurgeOnceAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogPurged(logger, deleted);
                }

                var abandoned = await AbandonUnfinishedErasuresOnceAsync(stoppingToken);
                if (abandoned > 0)
                {
                    LogErasuresAbandoned(logger, abandoned);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} change(s) legacy received before the retention window")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} erasure(s) abandoned: their request did not erase the person within the erasure request's timeout and was not asked again")]
    private static partial void LogErasuresAbandoned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping legacy changes (deleting delivered ones past the retention, abandoning unfinished erasures) failed; the next sweep retries")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
