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
/// up to <see cref="GrainOutboxOptions.MaxRetryDelay"/>, while other kinds go on.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
                    more = await RelayOnceAsync(storage.Dialect, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPassFailed(logger, exception);
                }

                if (!more)
                {
                    try
                    {
                        await woken.WaitAsync(NextWait(), stoppingToken);
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
            // The host stops; what is left is relayed after the restart.
        }
    }

    /// <summary>One pass: reads a batch, hands each kind's entries to its handler, removes the handled ones. True when a full batch was handled (look again at once).</summary>
    internal async Task<bool> RelayOnceAsync(GrainStateDialect dialect, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var waiting = backoff.Where(b => b.Value.RetryAt > now).Select(b => b.Key).ToList();
        var batch = await dialect.ReadOutboxAsync(settings.BatchSize, waiting, cancellationToken);
        var failed = false;
        foreach (var group in batch.GroupBy(stored => stored.Entry.Kind, StringComparer.Ordinal))
        {
            var sequences = group.Select(stored => stored.Sequence).ToList();
            var tag = new KeyValuePair<string, object?>(GrainOutboxMetrics.KindTag, group.Key);
            try
            {
                var handler = byKind.GetValueOrDefault(group.Key)
                    ?? throw new InvalidOperationException($"No grain outbox handler takes entries of kind '{group.Key}'.");
                await handler.HandleAsync([.. group.Select(stored => stored.Entry)], cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                failed = true;
                var failures = backoff.GetValueOrDefault(group.Key).Failures + 1;
                var delay = RetryDelay(failures);
                backoff[group.Key] = (failures, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
                GrainOutboxMetrics.Failed.Add(sequences.Count, tag);
                LogHandlerFailed(logger, exception, group.Key, sequences.Count, group.Max(stored => stored.Attempts) + 1, delay.TotalMilliseconds);
                await dialect.CountOutboxFailureAsync(sequences, cancellationToken);
                continue;
            }

            await dialect.DeleteOutboxAsync(sequences, cancellationToken);
            backoff.Remove(group.Key);
            GrainOutboxMetrics.Relayed.Add(sequences.Count, tag);
        }

        var (count, oldest) = await dialect.OutboxDepthAsync(cancellationToken);
        GrainOutboxMetrics.Observe(count, oldest is { } made ? clock.GetUtcNow() - made : TimeSpan.Zero);
        return !failed && batch.Count == settings.BatchSize;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain outbox relay pass failed; trying again at the next poll")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
