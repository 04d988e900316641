using System.Diagnostics;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Storage;
using Dialtone.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Dialtone.Charging.Outbox;

/// <summary>
/// Relays the charging grains' outbox (<c>grain_outbox</c>, written in the same transaction as the grain states) to the
/// handler of each entry's kind, and removes what was handled: at least once, so the handlers are idempotent by entry
/// id. A commit that added entries wakes it; otherwise it looks every <see cref="GrainOutboxOptions.PollingInterval"/>.
/// A failing handler leaves its entries (their attempts counted) and its kind is tried again after a delay that doubles
/// up to <see cref="GrainOutboxOptions.MaxRetryDelay"/>, while other kinds go on; an entry that keeps failing on its own
/// goes to the dead letters (<see cref="GrainOutboxDeadLetterEndpoints"/>). With several nodes on one PostgreSQL store,
/// one node relays at a time (<see cref="IOutboxRelayLease"/>).
/// </summary>
internal sealed partial class GrainOutboxRelay(
    IServiceProvider services,
    IEnumerable<IGrainOutboxHandler> handlers,
    IOptions<GrainOutboxOptions> options,
    DatabaseReadiness readiness,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<GrainOutboxRelay> logger) : BackgroundService
{
    private readonly GrainOutboxOptions settings = options.Value;
    private readonly Dictionary<string, IGrainOutboxHandler> byKind = handlers.ToDictionary(handler => handler.Kind, StringComparer.Ordinal);
    private readonly Dictionary<string, (int Failures, long RetryAt)> backoff = new(StringComparer.Ordinal);
    private readonly HashSet<string> isolating = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IOutboxRelayLease? lease = null;
        try
        {
            // Handlers write into the module databases: not before they are migrated.
            if (!await readiness.WhenStartedAsync(lifetime, stoppingToken))
            {
                return;
            }

            var storage = services.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name);
            while (!stoppingToken.IsCancellationRequested)
            {
                var woken = storage.OutboxWritten.Next;
                var more = false;
                try
                {
                    if (lease is not null && !await lease.StillHeldAsync(stoppingToken))
                    {
                        // Let go at once: if taking it again throws, the relay must not go on with (or count itself as
                        // holding) a dead lease.
                        var lost = lease;
                        lease = null;
                        GrainOutboxMetrics.ObserveLeading(false);
                        LogLeaseLost(logger);
                        await lost.DisposeAsync();
                    }

                    lease ??= await TakeLeaseAsync(storage.Dialect, stoppingToken);
                    if (lease is not null)
                    {
                        more = await RelayOnceAsync(storage, stoppingToken, lease);
                    }
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPassFailed(logger, exception);
                }

                if (!more)
                {
                    try
                    {
                        await woken.WaitAsync(lease is null ? settings.PollingInterval : NextWait(), stoppingToken);
                        if (lease is not null && settings.Coalesce > TimeSpan.Zero)
                        {
                            // Woken by a commit: let the commits of the next moments add theirs, so that a pass's fixed work
                            // (its transaction, the reads of what is stored already and of the lines' parties) is shared by
                            // more entries.
                            await Task.Delay(settings.Coalesce, stoppingToken); // real time, as the wait above: a throughput setting
                        }
                    }
                    catch (TimeoutException)
                    {
                        // The polling interval passed (or a kind's retry delay ended).
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host stops; what is left is relayed after the restart (by this node or another).
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
                GrainOutboxMetrics.ObserveLeading(false);
            }
        }
    }

    /// <summary>Takes the relay's lease when no other node holds it; null while another node does.</summary>
    private async Task<IOutboxRelayLease?> TakeLeaseAsync(GrainStateDialect dialect, CancellationToken cancellationToken)
    {
        var taken = await dialect.TryLeaseOutboxRelayAsync(cancellationToken);
        if (taken is not null and not SoleRelayLease)
        {
            LogLeading(logger);
        }

        GrainOutboxMetrics.ObserveLeading(taken is not null);
        return taken;
    }

    /// <summary>
    /// One pass: reads a batch, hands each kind's entries to its handler, removes the handled ones. True when there may be
    /// more to do at once (a full batch was handled, or an entry went to the dead letters).
    /// </summary>
    /// <remarks>
    /// A handler that fails a batch of several entries cannot say which one it could not take, so its kind is then
    /// isolated: its entries are handed over one at a time, in order, until a pass hands them all over. Only an entry
    /// tried alone counts an attempt. An entry that has used its <see cref="GrainOutboxOptions.MaxAttempts"/> and fails
    /// again is a suspect: the relay tries the entries after it, and if one of them goes through in the same pass the
    /// handler works, and the suspect gets one more try; failing that too, it cannot be taken — it goes to the dead
    /// letters (with the attempts counted before, the confirming try not among them). While the handler fails everything
    /// (its database is down), no entry is ever dead-lettered, however long the outage: the kind backs off and waits; and
    /// when the outage ends in the middle of a pass, the entries tried before its end are not dead-lettered for it.
    /// </remarks>
    internal async Task<bool> RelayOnceAsync(BatchingGrainStorage storage, CancellationToken cancellationToken, IOutboxRelayLease? lease = null)
    {
        var dialect = storage.Dialect;
        var now = Stopwatch.GetTimestamp();
        var waiting = backoff.Where(b => b.Value.RetryAt > now).Select(b => b.Key).ToList();
        var batch = await dialect.ReadOutboxAsync(settings.BatchSize, waiting, cancellationToken);
        var failed = false;
        var deadLettered = false;
        foreach (var group in batch.GroupBy(stored => stored.Entry.Kind, StringComparer.Ordinal))
        {
            // A node that lost its lease mid-pass stops before the next kind: the new holder must not meet it halfway.
            if (lease is not null && !await lease.StillHeldAsync(cancellationToken))
            {
                return false;
            }

            List<StoredOutboxEntry> entries = [.. group];
            if (!isolating.Contains(group.Key))
            {
                if (await HandleAsync(group.Key, entries, cancellationToken) is { } batchFailure)
                {
                    failed = true;
                    if (entries.Count > 1)
                    {
                        isolating.Add(group.Key);
                    }

                    await BackOffAsync(dialect, group.Key, entries, batchFailure, countAttempts: entries.Count == 1, cancellationToken);
                }
                else
                {
                    await HandledAsync(storage, group.Key, entries);
                }

                continue;
            }

            var suspects = new List<(StoredOutboxEntry Entry, Exception Failure)>();
            var clean = true;
            foreach (var stored in entries)
            {
                if (await HandleAsync(group.Key, [stored], cancellationToken) is not { } failure)
                {
                    await HandledAsync(storage, group.Key, [stored]);
                    foreach (var (suspect, _) in suspects)
                    {
                        // The handler works (this entry went through), so a suspect gets one more try now: one that failed
                        // only because the handler's database came back in the middle of the pass goes through; one that
                        // fails again beside a working handler cannot be taken.
                        if (await HandleAsync(group.Key, [suspect], cancellationToken) is { } again)
                        {
                            await DeadLetterAsync(dialect, group.Key, suspect, again, cancellationToken);
                            deadLettered = true;
                        }
                        else
                        {
                            await HandledAsync(storage, group.Key, [suspect]);
                        }
                    }

                    suspects.Clear();
                    continue;
                }

                if (stored.Attempts + 1 >= Math.Max(1, settings.MaxAttempts))
                {
                    await dialect.CountOutboxFailureAsync([stored.Sequence], cancellationToken);
                    suspects.Add((stored, failure));
                    continue;
                }

                await BackOffAsync(dialect, group.Key, [stored], failure, countAttempts: true, cancellationToken);
                failed = true;
                clean = false;
                break;
            }

            if (suspects.Count > 0 && clean)
            {
                // Nothing after the suspects went through (they were the last, or everything failed): no proof that the
                // handler works, so they wait like any failure.
                await BackOffAsync(dialect, group.Key, [], suspects[^1].Failure, countAttempts: false, cancellationToken);
                failed = true;
                clean = false;
            }

            if (clean)
            {
                isolating.Remove(group.Key);
            }
        }

        var (count, oldest, dead) = await dialect.OutboxDepthAsync(cancellationToken);
        GrainOutboxMetrics.Observe(count, oldest is { } made ? clock.GetUtcNow() - made : TimeSpan.Zero, dead);
        return !failed && (deadLettered || batch.Count == settings.BatchSize);
    }

    /// <summary>Hands entries of one kind to its handler; the exception when it failed, null when they are handled.</summary>
    private async Task<Exception?> HandleAsync(string kind, List<StoredOutboxEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            var handler = byKind.GetValueOrDefault(kind)
                ?? throw new InvalidOperationException($"No grain outbox handler takes entries of kind '{kind}'.");
            await handler.HandleAsync([.. entries.Select(stored => stored.Entry)], cancellationToken);
            return null;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            GrainOutboxMetrics.Failed.Add(entries.Count, new KeyValuePair<string, object?>(GrainOutboxMetrics.KindTag, kind));
            return exception;
        }
    }

    // Removed by the store's writer loop, in its next transaction (one writer on SQLite: no waiting on each other's locks).
    private async Task HandledAsync(BatchingGrainStorage storage, string kind, List<StoredOutboxEntry> entries)
    {
        await storage.RemoveRelayedAsync([.. entries.Select(stored => stored.Sequence)]);
        backoff.Remove(kind);
        GrainOutboxMetrics.Relayed.Add(entries.Count, new KeyValuePair<string, object?>(GrainOutboxMetrics.KindTag, kind));
    }

    /// <summary>The kind waits (the delay doubles per failure in a row); entries tried alone count the attempt.</summary>
    private async Task BackOffAsync(GrainStateDialect dialect, string kind, List<StoredOutboxEntry> entries, Exception failure, bool countAttempts, CancellationToken cancellationToken)
    {
        var failures = backoff.GetValueOrDefault(kind).Failures + 1;
        var delay = RetryDelay(failures);
        backoff[kind] = (failures, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
        LogHandlerFailed(logger, failure, kind, entries.Count, entries.Count == 0 ? 0 : entries.Max(stored => stored.Attempts) + (countAttempts ? 1 : 0), delay.TotalMilliseconds);
        if (countAttempts && entries.Count > 0)
        {
            await dialect.CountOutboxFailureAsync([.. entries.Select(stored => stored.Sequence)], cancellationToken);
        }
    }

    private async Task DeadLetterAsync(GrainStateDialect dialect, string kind, StoredOutboxEntry entry, Exception failure, CancellationToken cancellationToken)
    {
        await dialect.DeadLetterOutboxAsync(entry.Sequence, $"{failure.GetType().FullName}: {failure.Message}", clock.GetUtcNow(), cancellationToken, countAttempt: false);
        GrainOutboxMetrics.DeadLettered.Add(1, new KeyValuePair<string, object?>(GrainOutboxMetrics.KindTag, kind));
        LogDeadLettered(logger, failure, kind, entry.Sequence, entry.Attempts + 1);
    }

    private TimeSpan RetryDelay(int failures)
    {
        var delay = settings.RetryDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
    }

    /// <summary>The polling interval, or less when a kind's retry delay ends sooner.</summary>
    private TimeSpan NextWait()
    {
        var wait = settings.PollingInterval;
        var now = Stopwatch.GetTimestamp();
        foreach (var (_, (_, retryAt)) in backoff)
        {
            var until = TimeSpan.FromSeconds(Math.Max(0, retryAt - now) / (double)Stopwatch.Frequency);
            if (until < wait)
            {
                wait = until;
            }
        }

        return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain outbox handler of {Kind} failed for {Count} entries (attempt {Attempt}); retrying in {DelayMs} ms")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string kind, int count, int attempt, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain outbox entry {Sequence} of {Kind} failed {Attempts} times; moved to the dead letters (GET /admin/charging/outboxDeadLetters)")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string kind, long sequence, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "This node now relays the grain outbox")]
    private static partial void LogLeading(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node lost the grain outbox relay lease (its database session ended); taking it again when free")]
    private static partial void LogLeaseLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain outbox relay pass failed; trying again at the next poll")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
