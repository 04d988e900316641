using System.Diagnostics.Metrics;
using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Outbox;

/// <summary>The grain outbox's instruments on the <c>Dialtone.Charging</c> meter: how much waits, for how long, and what was relayed.</summary>
internal static class GrainOutboxMetrics
{
    public const string KindTag = "dialtone.charging.outbox.kind";

    private static long depth;
    private static double oldestAgeSeconds;

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

    public static void Observe(long count, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref depth, count);
        Volatile.Write(ref oldestAgeSeconds, Math.Max(0, oldestAge.TotalSeconds));
    }
}
