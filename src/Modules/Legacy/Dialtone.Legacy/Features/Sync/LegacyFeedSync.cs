using System.Diagnostics;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.ImportJobs;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.Sync;

/// <summary>
/// Follows legacy's change feed into Dialtone (<see cref="LegacyFeedApplier"/>) on every node, one node at a time:
/// a node polls only while it holds the cursor's lease (<c>LeaseDuration</c>, renewed by every commit, taken over
/// when it lapses). It starts at the watermark of the first completed import (the export's snapshot), reads pages
/// back to back while legacy has more, then every <c>PollInterval</c>; while legacy is unreachable it waits twice as
/// long each time up to <c>MaxBackoff</c>, and the lag grows. Nothing here stops the host.
/// </summary>
internal sealed partial class LegacyFeedSync(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, IOptions<LegacyOptions> options,
    LegacyFeedMetrics metrics, TimeProvider clock, ILogger<LegacyFeedSync> logger) : BackgroundService
{
    private readonly string node = $"{Environment.ProcessId}:{Guid.NewGuid():N}:{Environment.MachineName}" is var id && id.Length > 100 ? id[..100] : id;

    // The entry that failed last and how often in a row (in memory: a restart or another node starts counting again).
    private long failingWatermark = -1;
    private int failingAttempts;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Sync;
        if (!settings.Enabled || !await readiness.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            try
            {
                using var activity = new Activity("LegacyFeedPoll").SetIdFormat(ActivityIdFormat.W3C).Start();
                if (await PollAsync(stoppingToken))
                {
                    failures = 0;
                    continue;
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                wait = TimeSpan.FromTicks(Math.Min(settings.MaxBackoff.Ticks, settings.PollInterval.Ticks * (1L << Math.Min(failures, 20))));
                await FailedAsync(e, stoppingToken);
            }

            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A node that stops gives its lease up, so that another node (or this one, restarted) takes the feed over at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            var cursor = await db.FeedCursors.FirstOrDefaultAsync(c => c.Id == LegacyFeedCursor.FeedId && c.LeaseOwner == node, cancellationToken);
            if (cursor is not null)
            {
                cursor.LeaseOwner = null;
                cursor.LeaseUntil = null;
                cursor.Version++;
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // Another node took it, or the database is gone: the lease lapses on its own.
        }
    }

    /// <summary>One poll if this node holds (or takes) the lease; answers whether legacy has more right now.</summary>
    private async Task<bool> PollAsync(CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        LegacyChangeFeedPage page;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            var cursor = await ClaimAsync(db, scope.ServiceProvider, cancellationToken);
            if (cursor is null)
            {
                return false;
            }

            page = await scope.ServiceProvider.GetRequiredService<LegacyCustomerService>()
                .GetChangesAsync(cursor.Watermark, Math.Clamp(options.Value.Sync.BatchSize, 1, 1000), cancellationToken);
        }

        var batch = new LegacyFeedBatch();
        foreach (var entry in page.Changes)
        {
            try
            {
                await ApplyAsync(entry, batch, cancellationToken);
            }
            catch (Exception e) when (CountsAgainstEntry(e, cancellationToken))
            {
                if (failingWatermark != entry.Watermark)
                {
                    failingWatermark = entry.Watermark;
                    failingAttempts = 0;
                }

                if (++failingAttempts < Math.Max(1, options.Value.Sync.MaxEntryAttempts))
                {
                    throw;
                }

                // The same entry failed every time: it is parked (reported, counted) and the feed goes on past it.
                var reason = ReasonOf(e);
                LogParked(logger, entry.Watermark, entry.CustomerId, reason, failingAttempts, e is TmfProblemException or LegacyFaultException ? null : e);
                await using var parking = scopes.CreateAsyncScope();
                await parking.ServiceProvider.GetRequiredService<LegacyFeedApplier>().ParkAsync(entry, reason, node, cancellationToken);
                failingAttempts = 0;
            }
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<LegacyFeedApplier>().FinishAsync(page, startedAt, node, cancellationToken);
        }

        return page.More;
    }

    /// <summary>
    /// Applies one entry in a scope of its own; when only a sync state was stale at the commit (a delivery wrote it
    /// meanwhile, or made the record's first one), the entry is applied again from fresh reads in a new scope (its write to Dialtone is "set to legacy's
    /// value", so doing it again changes nothing), at most <see cref="LegacyChangeDelivery.MaxStateConflicts"/> times.
    /// </summary>
    private async Task ApplyAsync(LegacyFeedEntry entry, LegacyFeedBatch batch, CancellationToken cancellationToken)
    {
        var reportedBefore = batch.Reported.ToHashSet();
        for (var conflicts = 0; ; conflicts++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<LegacyFeedApplier>().ApplyAsync(entry, batch, node, cancellationToken);
                return;
            }
            catch (DbUpdateException e) when (LegacySyncState.OnlyStatesConflicted(e) && conflicts < LegacyChangeDelivery.MaxStateConflicts)
            {
                // Nothing of the failed attempt was committed but its write to Dialtone (batch.Applied): what it reported is
                // reported again, and counted only by the attempt that commits.
                batch.People.Remove(entry.CustomerId);
                batch.Reported.IntersectWith(reportedBefore);
                LogStateConflict(logger, entry.Watermark, entry.CustomerId);
            }
        }
    }

    /// <summary>The cursor with this node's lease, or null when another node holds it (or nothing was imported yet).</summary>
    private async Task<LegacyFeedCursor?> ClaimAsync(LegacyDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cursor = await db.FeedCursors.FirstOrDefaultAsync(c => c.Id == LegacyFeedCursor.FeedId, cancellationToken);
        if (cursor is null)
        {
            var start = await StartingWatermarkAsync(db, services, cancellationToken);
            if (start is null)
            {
                return null;
            }

            cursor = new LegacyFeedCursor { Watermark = start.Value, HighWatermark = start.Value, StartedAt = now, CaughtUpAt = null };
            db.FeedCursors.Add(cursor);
            LogStarted(logger, start.Value);
        }
        else if (cursor.LeaseOwner != node && cursor.LeaseUntil > now)
        {
            metrics.Observe(cursor, now);
            return null;
        }

        cursor.LeaseOwner = node;
        services.GetRequiredService<LegacyFeedApplier>().Touch(cursor);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node claimed it (or created it) first.
            return null;
        }

        return cursor;
    }

    /// <summary>Where the feed starts: the first completed import's export watermark; legacy's current one if that import had none.</summary>
    private static async Task<long?> StartingWatermarkAsync(LegacyDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var imports = await db.ImportJobs.AsNoTracking().Where(j => j.State == ImportJobStates.Completed).Select(j => j.LegacyWatermark).ToListAsync(cancellationToken);
        if (imports.Count == 0)
        {
            return null;
        }

        if (imports.Where(w => w is not null).Min() is { } watermark)
        {
            return watermark;
        }

        var page = await services.GetRequiredService<LegacyCustomerService>().GetChangesAsync(0, 1, cancellationToken);
        return page.HighWatermark;
    }

    /// <summary>
    /// Whether a failure of one entry is the entry's own (it would fail again the same way): not a legacy outage (or a
    /// fault legacy says is worth retrying), not a lost lease, not the host stopping.
    /// </summary>
    private static bool CountsAgainstEntry(Exception e, CancellationToken cancellationToken) =>
        e is not (LegacyUnavailableException or LegacyFaultException { Retryable: true } or DbUpdateConcurrencyException)
        && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static string ReasonOf(Exception e) => e switch
    {
        LegacyUnavailableException => "unavailable",
        LegacyFaultException fault => $"{fault.Code} {fault.Name}",
        DbUpdateConcurrencyException => "lease lost",
        TmfProblemException problem => $"{problem.Status} {problem.Code}",
        _ => e.GetType().Name,
    };

    private async Task FailedAsync(Exception e, CancellationToken cancellationToken)
    {
        var reason = ReasonOf(e);
        LogFailed(logger, reason, e is LegacyUnavailableException or LegacyFaultException or DbUpdateConcurrencyException ? null : e);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            var cursor = await db.FeedCursors.FirstOrDefaultAsync(c => c.Id == LegacyFeedCursor.FeedId, cancellationToken);
            if (cursor is null)
            {
                return;
            }

            metrics.Observe(cursor, clock.GetUtcNow());
            if (cursor.LeaseOwner == node)
            {
                cursor.LastError = reason.Length <= 300 ? reason : reason[..300];
                cursor.ConsecutiveFailures++;
                cursor.Version++;
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        catch (Exception inner) when (inner is not OperationCanceledException)
        {
            // The database is unavailable too: the next poll tries again.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy feed {Watermark}: record {LegacyCustomerId}'s sync state changed while the entry was applied; applying it again")]
    private static partial void LogStateConflict(ILogger logger, long watermark, string legacyCustomerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change-feed sync starts at watermark {Watermark}")]
    private static partial void LogStarted(ILogger logger, long watermark);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy feed {Watermark}: record {LegacyCustomerId} failed {Attempts} times ({Reason}); parked, the feed goes on past it")]
    private static partial void LogParked(ILogger logger, long watermark, string legacyCustomerId, string reason, int attempts, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy change-feed poll failed ({Reason}); trying again later")]
    private static partial void LogFailed(ILogger logger, string reason, Exception? exception);
}
