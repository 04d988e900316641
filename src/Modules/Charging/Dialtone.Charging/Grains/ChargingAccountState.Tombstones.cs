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
    // How many tombstones the part held as last read or stored, each marked with what it was stored at
    // (ChargingSession.StoredAsTombstone); -1 while unknown (a state of schema 3 or older held them in its own row: its
    // next write stores them apart). The marks make the check of every write a walk over the sessions with no lookup: a
    // lookup by ChargingDataRef per tombstone was ~2 % of the server's CPU under the charging load (bench/README, session 18).
    private int storedTombstones = -1;

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
        if (storedTombstones >= 0 && TombstonesUnchanged())
        {
            return null;
        }

        var ended = new Dictionary<string, ChargingSession>(StringComparer.Ordinal);
        var snapshot = new List<(ChargingSession Session, long LastSequence, DateTimeOffset EndedAt)>();
        foreach (var (reference, session) in Sessions)
        {
            if (session.EndedAt is { } at)
            {
                ended[reference] = session;
                snapshot.Add((session, session.LastSequence, at));
            }
        }

        var payload = serializer.Serialize(new ChargingTombstones { Sessions = ended }).ToMemory();
        return new ColdPartWrite(MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : payload.ToArray(), snapshot);
    }

    void IHasColdPart.ColdPartStored(ColdPartWrite part)
    {
        var stored = (List<(ChargingSession Session, long LastSequence, DateTimeOffset EndedAt)>)part.Snapshot;
        foreach (var (session, lastSequence, endedAt) in stored)
        {
            session.StoredAsTombstone = (lastSequence, endedAt);
        }

        storedTombstones = stored.Count;
    }

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
            storedTombstones = -1;
            return;
        }

        storedTombstones = 0;
        foreach (var session in Sessions.Values)
        {
            if (session.EndedAt is { } at)
            {
                session.StoredAsTombstone = (session.LastSequence, at);
                storedTombstones++;
            }
        }
    }

    // The same tombstones as stored: each ended session still as it was marked (a tombstone changes only with a later
    // sequence number: late usage; see ChargingSession.Stored), none forgotten, none added (a new one carries no mark).
    private bool TombstonesUnchanged()
    {
        var ended = 0;
        foreach (var session in sessions.Values)
        {
            if (session.EndedAt is not { } at)
            {
                continue;
            }

            ended++;
            if (session.StoredAsTombstone is not { } mark || mark.LastSequence != session.LastSequence || mark.EndedAt != at)
            {
                return false;
            }
        }

        return ended == storedTombstones;
    }
}

/// <summary>The row of a charging account's tombstones (schema version 4): its ended sessions, stored as the account's row stores sessions.</summary>
public sealed class ChargingTombstones
{
    [JsonConverter(typeof(ChargingSessionsJsonConverter))]
    public Dictionary<string, ChargingSession> Sessions { get; set; } = new(StringComparer.Ordinal);
}
