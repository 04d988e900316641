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
                    lease = await LeadAsync(storage.Dialect, lease, stoppingToken);
                    if (lease is not null)
                    {
                        more = await RelayOnceAsync(storage.Dialect, stoppingToken);
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

    /// <summary>Keeps the lease this node holds, or takes it when no other node relays; null while another node does.</summary>
    private async Task<IOutboxRelayLease?> LeadAsync(GrainStateDialect dialect, IOutboxRelayLease? lease, CancellationToken cancellationToken)
    {
        if (lease is not null)
        {
            if (await lease.StillHeldAsync(cancellationToken))
            {
                return lease;
            }

            await lease.DisposeAsync();
            LogLeaseLost(logger);
        }

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
    /// isolated: its entries are handed over one at a time, in order, until a pass handles them all; an entry that fails
    /// alone <see cref="GrainOutboxOptions.MaxAttempts"/> times goes to the dead letters, and the rest of its kind flows on.
    /// </remarks>
    internal async Task<bool> RelayOnceAsync(GrainStateDialect dialect, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var waiting = backoff.Where(b => b.Value.RetryAt > now).Select(b => b.Key).ToList();
        var batch = await dialect.ReadOutboxAsync(settings.BatchSize, waiting, cancellationToken);
        var failed = false;
        var deadLettered = false;
        foreach (var group in batch.GroupBy(stored => stored.Entry.Kind, StringComparer.Ordinal))
        {
            List<StoredOutboxEntry> entries = [.. group];
            if (!isolating.Contains(group.Key))
            {
                var outcome = await HandleAsync(dialect, group.Key, entries, cancellationToken);
                if (outcome == Outcome.Failed)
                {
                    failed = true;
                    if (entries.Count > 1)
                    {
                        isolating.Add(group.Key);
                    }
                }

                continue;
            }

            var clean = true;
            foreach (var stored in entries)
            {
                var outcome = await HandleAsync(dialect, group.Key, [stored], cancellationToken);
                deadLettered |= outcome == Outcome.DeadLettered;
                if (outcome == Outcome.Failed)
                {
                    failed = true;
                    clean = false;
                    break;
                }
            }

            if (clean)
            {
                isolating.Remove(group.Key);
            }
        }

        var (count, oldest) = await dialect.OutboxDepthAsync(cancellationToken);
        GrainOutboxMetrics.Observe(count, oldest is { } made ? clock.GetUtcNow() - made : TimeSpan.Zero, await dialect.CountDeadLettersAsync(cancellationToken));
        return !failed && (deadLettered || batch.Count == settings.BatchSize);
    }

    private enum Outcome
    {
        Handled,
        Failed,
        DeadLettered,
    }

    /// <summary>Hands entries of one kind to its handler and removes them; on failure counts the attempt, or moves a lone entry that used its last one to the dead letters.</summary>
    private async Task<Outcome> HandleAsync(GrainStateDialect dialect, string kind, List<StoredOutboxEntry> entries, CancellationToken cancellationToken)
    {
        var sequences = entries.Select(stored => stored.Sequence).ToList();
        var tag = new KeyValuePair<string, object?>(GrainOutboxMetrics.KindTag, kind);
        try
        {
            var handler = byKind.GetValueOrDefault(kind)
                ?? throw new InvalidOperationException($"No grain outbox handler takes entries of kind '{kind}'.");
            await handler.HandleAsync([.. entries.Select(stored => stored.Entry)], cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            GrainOutboxMetrics.Failed.Add(sequences.Count, tag);
            var attempt = entries.Max(stored => stored.Attempts) + 1;
            if (entries.Count == 1 && attempt >= Math.Max(1, settings.MaxAttempts))
            {
                await dialect.DeadLetterOutboxAsync(sequences[0], $"{exception.GetType().FullName}: {exception.Message}", clock.GetUtcNow(), cancellationToken);
                GrainOutboxMetrics.DeadLettered.Add(1, tag);
                LogDeadLettered(logger, exception, kind, sequences[0], attempt);
                return Outcome.DeadLettered;
            }

            var failures = backoff.GetValueOrDefault(kind).Failures + 1;
            var delay = RetryDelay(failures);
            backoff[kind] = (failures, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
            LogHandlerFailed(logger, exception, kind, sequences.Count, attempt, delay.TotalMilliseconds);
            await dialect.CountOutboxFailureAsync(sequences, cancellationToken);
            return Outcome.Failed;
        }

        await dialect.DeleteOutboxAsync(sequences, cancellationToken);
        backoff.Remove(kind);
        GrainOutboxMetrics.Relayed.Add(sequences.Count, tag);
        return Outcome.Handled;
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
