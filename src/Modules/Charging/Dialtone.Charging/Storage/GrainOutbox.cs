namespace Dialtone.Charging.Storage;

/// <summary>
/// A grain state that carries outgoing messages (usage records, later notifications and threshold events). When such a
/// state is written, <see cref="BatchingGrainStorage"/> moves the entries out of it (the stored state never holds them)
/// and inserts them into <c>grain_outbox</c> in the same transaction as the state row: the message exists exactly when
/// the change that caused it does. The relay (<see cref="Dialtone.Charging.Outbox.GrainOutboxRelay"/>) hands them to their handlers.
/// </summary>
public interface IHasGrainOutbox
{
    /// <summary>Entries added since the last write; emptied by the storage when it takes them into a write.</summary>
    List<GrainOutboxEntry> Outbox { get; }
}

/// <summary>One outgoing message of a grain.</summary>
/// <param name="Id">Deterministic and unique within its kind: a second insert of the same kind and id is ignored, so the entry is relayed once whatever is replayed.</param>
/// <param name="Kind">Which handler takes it (<see cref="Dialtone.Charging.Outbox.IGrainOutboxHandler.Kind"/>).</param>
/// <param name="Payload">The message as JSON; never personal data (no IMSI, MSISDN or name).</param>
/// <param name="CreatedAt">When the grain made it.</param>
public sealed record GrainOutboxEntry(string Id, string Kind, string Payload, DateTimeOffset CreatedAt);

/// <summary>An entry as the relay reads it from <c>grain_outbox</c>: its position (insertion order) and failed attempts so far.</summary>
internal sealed record StoredOutboxEntry(long Sequence, GrainOutboxEntry Entry, int Attempts);

/// <summary>Wakes the relay when a commit added outbox entries, instead of letting it wait for its next poll.</summary>
internal sealed class GrainOutboxSignal
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>; take it before looking, so that a notification in between is not missed.</summary>
    public Task Next => Volatile.Read(ref next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
