using System.Diagnostics.Metrics;

namespace Dialtone.Charging.Storage;

/// <summary>The grain storage's instruments on the <c>Dialtone.Charging</c> meter, tagged with the storage's name.</summary>
internal static class ChargingStorageMetrics
{
    public const string MeterName = "Dialtone.Charging";
    public const string StorageTag = "dialtone.charging.storage.name";

    public static readonly Meter Meter = new(MeterName);

    // A commit and a write's waits, in seconds: from half a millisecond (a commit alone on an idle machine) to a second.
    // Declared before the histograms that use it (static fields are initialised in order).
    private static readonly InstrumentAdvice<double> WaitBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    };

    /// <summary>Pending writes (and clears) committed together in one transaction, conflicts included.</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "dialtone.charging.storage.batch_size", unit: "{write}", description: "Grain state writes committed in one transaction.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    /// <summary>
    /// From taking a batch to its commit returning (the time its callers wait beyond the queue): what group commit
    /// trades against batch size.
    /// </summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "dialtone.charging.storage.commit_duration", unit: "s", description: "Time to apply and commit one batch of grain state writes.",
        advice: WaitBuckets);

    /// <summary>
    /// From a write being queued to the writer loop taking it into a batch: how long it waited for the commit before
    /// (group commit: a write that arrives while a commit runs goes into the next).
    /// </summary>
    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>(
        "dialtone.charging.storage.queue_wait", unit: "s", description: "Time a grain state write (or clear) waited for the commit before its own.",
        advice: WaitBuckets);

    /// <summary>
    /// From a write being queued to its caller running again after the commit: what a grain waits for its state to be
    /// durable — the queue, its batch's commit, and the wake-up of the caller on a busy machine (the rest).
    /// </summary>
    public static readonly Histogram<double> WriteDuration = Meter.CreateHistogram<double>(
        "dialtone.charging.storage.write_duration", unit: "s", description: "Time from queueing a grain state write (or clear) to its caller resuming after the commit.",
        advice: WaitBuckets);

    /// <summary>SQLite: a checkpoint of the write-ahead log, beside the writer (ADR 0012: never on a commit).</summary>
    public static readonly Histogram<double> CheckpointDuration = Meter.CreateHistogram<double>(
        "dialtone.charging.storage.checkpoint_duration", unit: "s", description: "Time to checkpoint the grain store's write-ahead log.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    /// <summary>Writes and clears applied and committed (ETag conflicts and failed transactions not counted).</summary>
    public static readonly Counter<long> Writes = Meter.CreateCounter<long>(
        "dialtone.charging.storage.writes", unit: "{write}", description: "Grain state writes and clears committed.");
}
