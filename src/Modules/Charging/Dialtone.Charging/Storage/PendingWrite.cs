using Orleans.Runtime;

namespace Dialtone.Charging.Storage;

/// <summary>Where one grain state lives: the primary key of <c>grain_state</c>.</summary>
internal readonly record struct GrainStateKey(string GrainType, string GrainId, string StateName)
{
    public static GrainStateKey Of(string stateName, GrainId grainId) =>
        new(grainId.Type.ToString()!, grainId.Key.ToString()!, stateName);

    public override string ToString() => $"{GrainType}/{GrainId}/{StateName}";
}

/// <summary>A stored row: its version (the ETag) and payload; a null payload is a cleared state (a tombstone).</summary>
internal readonly record struct StoredGrainState(long Version, byte[]? Payload);

/// <summary>
/// One write or clear waiting for the writer loop: its payload already serialised (at call time), the version it expects
/// to replace (null: no row may exist), and the caller's completion.
/// </summary>
internal sealed class PendingWrite(GrainStateKey key, long? expectedVersion, byte[]? payload, IReadOnlyList<GrainOutboxEntry>? outbox = null)
{
    private readonly TaskCompletionSource<long?> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainStateKey Key { get; } = key;

    /// <summary>When it was queued (<see cref="System.Diagnostics.Stopwatch"/> timestamp), for the storage's wait metrics.</summary>
    public long QueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public long? ExpectedVersion { get; } = expectedVersion;

    /// <summary>The serialised state; null for a clear.</summary>
    public byte[]? Payload { get; } = payload;

    public bool IsClear => Payload is null;

    /// <summary>Outbox entries taken from the state: inserted in the same transaction, only if this write is applied.</summary>
    public IReadOnlyList<GrainOutboxEntry> Outbox { get; } = outbox ?? [];

    /// <summary>The state's cold part (<see cref="IHasColdPart"/>) to write, or delete, in the same transaction, only if this write is applied.</summary>
    public ColdPartRow? ColdPart { get; init; }

    /// <summary>Set by the dialect inside the transaction: whether the version check passed and the row changed.</summary>
    public bool Applied { get; set; }

    /// <summary>Set by the dialect when <see cref="Applied"/>: the row's new version, null for a clear of a state that never existed.</summary>
    public long? NewVersion { get; set; }

    /// <summary>Completes with the new version once the transaction has committed, or with the caller's exception.</summary>
    public Task<long?> Completion => completion.Task;

    public void Succeed() => completion.TrySetResult(NewVersion);

    public void Fail(Exception exception) => completion.TrySetException(exception);
}

/// <summary>
/// Outbox entries the relay handed over, to be removed by the writer loop inside its next transaction; completes once
/// that transaction has committed.
/// </summary>
internal sealed class OutboxRemoval(IReadOnlyList<long> sequences)
{
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<long> Sequences { get; } = sequences;

    public Task Completion => completion.Task;

    public void Succeed() => completion.TrySetResult();

    public void Fail(Exception exception) => completion.TrySetException(exception);
}
