using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Dialtone.Charging.Storage;
using Orleans.Storage;

namespace Dialtone.Charging.Grains;

/// <summary>
/// Since schema version 4 the tombstones of ended sessions are stored in a row of their own (<see cref="IHasColdPart"/>:
/// state name <c>account.part</c>), written in the same transaction as the account's row and only when a session ended,
/// changed after its end or was forgotten: the account's row, written with every charging request, holds the open
/// sessions alone. With 32 tombstones the row was ~9 KB (three pages and their freelist a write on SQLite); without them
/// ~2 KB (bench/README, 2026-11-29 session 14). In memory nothing changes: <see cref="Sessions"/> holds both.
/// </summary>
public sealed partial class ChargingAccountState : IHasColdPart
{
    // The tombstones as last read or stored (last sequence number and end, by ChargingDataRef); null while unknown (a
    // state of schema 3 or older held them in its own row: its next write stores them apart).
    private Dictionary<string, (long LastSequence, DateTimeOffset EndedAt)>? storedTombstones;

    /// <summary>
    /// The sessions the account's own row holds: the open ones. A state of schema 3 or older holds its tombstones here
    /// too, and they are read from here.
    /// </summary>
    [JsonPropertyName("sessions")]
    [JsonConverter(typeof(ChargingSessionsJsonConverter))]
    public Dictionary<string, ChargingSession> StoredSessions
    {
        get
        {
            var open = new Dictionary<string, ChargingSession>(StringComparer.Ordinal);
            foreach (var (reference, session) in Sessions)
            {
                if (session.EndedAt is null)
                {
                    open[reference] = session;
                }
            }

            return open;
        }

        set => Sessions = value;
    }

    ColdPartWrite? IHasColdPart.ChangedColdPart(IGrainStorageSerializer serializer)
    {
        if (storedTombstones is { } stored && Unchanged(stored))
        {
            return null;
        }

        var ended = new Dictionary<string, ChargingSession>(StringComparer.Ordinal);
        var snapshot = new Dictionary<string, (long, DateTimeOffset)>(StringComparer.Ordinal);
        foreach (var (reference, session) in Sessions)
        {
            if (session.EndedAt is { } at)
            {
                ended[reference] = session;
                snapshot[reference] = (session.LastSequence, at);
            }
        }

        var payload = serializer.Serialize(new ChargingTombstones { Sessions = ended }).ToMemory();
        return new ColdPartWrite(MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : payload.ToArray(), snapshot);
    }

    void IHasColdPart.ColdPartStored(ColdPartWrite part) =>
        storedTombstones = (Dictionary<string, (long, DateTimeOffset)>)part.Snapshot;

    void IHasColdPart.LoadColdPart(BinaryData? payload, IGrainStorageSerializer serializer)
    {
        if (payload is not null)
        {
            var tombstones = serializer.Deserialize<ChargingTombstones>(payload)?.Sessions ?? [];
            var merged = Sessions;
            foreach (var (reference, session) in tombstones)
            {
                // The account's row is never behind its part (both are written together): a session it holds wins.
                merged.TryAdd(reference, session);
            }

            Sessions = merged;
        }

        if (SchemaVersion < 4)
        {
            storedTombstones = null;
            return;
        }

        storedTombstones = new(StringComparer.Ordinal);
        foreach (var (reference, session) in Sessions)
        {
            if (session.EndedAt is { } at)
            {
                storedTombstones[reference] = (session.LastSequence, at);
            }
        }
    }

    // The same tombstones as stored: a tombstone changes only with a later sequence number (late usage); see ChargingSession.Stored.
    private bool Unchanged(Dictionary<string, (long LastSequence, DateTimeOffset EndedAt)> stored)
    {
        var ended = 0;
        foreach (var (reference, session) in Sessions)
        {
            if (session.EndedAt is not { } at)
            {
                continue;
            }

            ended++;
            if (!stored.TryGetValue(reference, out var was) || was.LastSequence != session.LastSequence || was.EndedAt != at)
            {
                return false;
            }
        }

        return ended == stored.Count;
    }
}

/// <summary>The row of a charging account's tombstones (schema version 4): its ended sessions, stored as the account's row stores sessions.</summary>
public sealed class ChargingTombstones
{
    [JsonConverter(typeof(ChargingSessionsJsonConverter))]
    public Dictionary<string, ChargingSession> Sessions { get; set; } = new(StringComparer.Ordinal);
}
