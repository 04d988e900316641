using System.Diagnostics.Metrics;
using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Outbox;

/// <summary>The grain outbox's instruments on the <c>Dialtone.Charging</c> meter: how much waits, for how long, and what was relayed.</summary>
internal static class GrainOutboxMetrics
{
    public const string KindTag = "dialtone.charging.outbox.kind";

    private static long depth;
    private static double oldestAgeSeconds;
    private static long deadLetters;
    private static int leading;

    /// <summary>Entries waiting in <c>grain_outbox</c>, as the relay last counted them.</summary>
    public static readonly ObservableGauge<long> Depth = ChargingStorageMetrics.Meter.CreateObservableGauge(
        "dialtone.charging.outbox.depth", () => Interlocked.Read(ref depth), unit: "{entry}", description: "Grain outbox entries waiting to be relayed.");

    /// <summary>The age of the oldest waiting entry (0 when none): how far the relayed records are behind the grains.</summary>
    public static readonly ObservableGauge<double> OldestAge = ChargingStorageMetrics.Meter.CreateObservableGauge(
        "dialtone.charging.outbox.oldest_age", () => Volatile.Read(ref oldestAgeSeconds), unit: "s", description: "Age of the oldest grain outbox entry waiting to be relayed.");

    /// <summary>Entries handled and removed, by kind.</summary>
    public static readonly Counter<long> Relayed = ChargingStorageMetrics.Meter.CreateCounter<long>(
        "dialtone.charging.outbox.relayed", unit: "{entry}", description: "Grain outbox entries relayed to their handler.");

    /// <summary>Entries whose handler failed (each attempt counts), by kind.</summary>
    public static readonly Counter<long> Failed = ChargingStorageMetrics.Meter.CreateCounter<long>(
        "dialtone.charging.outbox.failed", unit: "{entry}", description: "Grain outbox entries whose handler failed, per attempt.");

    /// <summary>Entries moved to the dead letters, by kind.</summary>
    public static readonly Counter<long> DeadLettered = ChargingStorageMetrics.Meter.CreateCounter<long>(
        "dialtone.charging.outbox.dead_lettered", unit: "{entry}", description: "Grain outbox entries moved to the dead letters after their last attempt.");

    /// <summary>Dead letters waiting for an operator, as the relay last counted them.</summary>
    public static readonly ObservableGauge<long> DeadLetters = ChargingStorageMetrics.Meter.CreateObservableGauge(
        "dialtone.charging.outbox.dead_letters", () => Interlocked.Read(ref deadLetters), unit: "{entry}", description: "Grain outbox dead letters waiting to be replayed.");

    /// <summary>1 on the node that relays the grain outbox, 0 on the others.</summary>
    public static readonly ObservableGauge<int> Leading = ChargingStorageMetrics.Meter.CreateObservableGauge(
        "dialtone.charging.outbox.relaying", () => Volatile.Read(ref leading), description: "1 when this node holds the grain outbox relay lease.");

    public static void Observe(long count, TimeSpan oldestAge, long deadLetterCount)
    {
        Interlocked.Exchange(ref depth, count);
        Volatile.Write(ref oldestAgeSeconds, Math.Max(0, oldestAge.TotalSeconds));
        Interlocked.Exchange(ref deadLetters, deadLetterCount);
    }

    public static void ObserveLeading(bool relaying) => Volatile.Write(ref leading, relaying ? 1 : 0);
}
