using System.Diagnostics.Metrics;
using Dialtone.Legacy.Features.Propagation;

namespace Dialtone.Legacy.Features.Sync;

/// <summary>
/// The change-feed sync's instruments on the <c>Dialtone.Legacy</c> meter (the same meter as propagation's: the
/// factory answers the same instance for the same name): how far behind the feed is, and what its entries did.
/// </summary>
internal sealed class LegacyFeedMetrics
{
    private double lagSeconds;
    private long behind;

    public LegacyFeedMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(LegacyMetrics.MeterName);
        meter.CreateObservableGauge("dialtone.legacy.feed.lag", () => Volatile.Read(ref lagSeconds), unit: "s",
            description: "Time since the change-feed sync last had applied everything legacy had (grows while legacy is down or the feed is behind).");
        meter.CreateObservableGauge("dialtone.legacy.feed.behind", () => Interlocked.Read(ref behind), unit: "{change}",
            description: "Legacy change-feed entries not yet applied (legacy's high watermark at the last poll minus Dialtone's).");
        Applied = meter.CreateCounter<long>("dialtone.legacy.feed.applied", unit: "{change}", description: "Legacy changes of legacy-mastered fields written to Dialtone.");
        Echoes = meter.CreateCounter<long>("dialtone.legacy.feed.echoes", unit: "{change}", description: "Feed entries that were Dialtone's own writes, not applied back.");
        Conflicts = meter.CreateCounter<long>("dialtone.legacy.feed.conflicts", unit: "{field}", description: "Legacy edits of Dialtone-mastered fields, reported and overwritten.");
        Skipped = meter.CreateCounter<long>("dialtone.legacy.feed.skipped", unit: "{change}", description: "Feed entries of people not migrated, or changing nothing once normalised.");
    }

    public Counter<long> Applied { get; }

    public Counter<long> Echoes { get; }

    public Counter<long> Conflicts { get; }

    public Counter<long> Skipped { get; }

    public static double LagSeconds(LegacyFeedCursor cursor, DateTimeOffset now) =>
        Math.Max(0, (now - (cursor.CaughtUpAt ?? cursor.StartedAt)).TotalSeconds);

    public void Observe(LegacyFeedCursor cursor, DateTimeOffset now)
    {
        Volatile.Write(ref lagSeconds, LagSeconds(cursor, now));
        Interlocked.Exchange(ref behind, Math.Max(0, cursor.HighWatermark - cursor.Watermark));
    }
}
