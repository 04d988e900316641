using Orleans.Storage;

namespace Dialtone.Charging.Storage;

/// <summary>
/// A grain state with a part that changes far less often than the rest (a charging account's tombstones: written with
/// every request when they were in the state, changed by one request in twelve in the load). <see cref="BatchingGrainStorage"/>
/// keeps that part in a row of its own beside the state's row (state name <c>{state}.part</c>), written in the
/// same transaction as the state and only when it changed, so that the row written with every change stays small enough
/// for one page (bench/README, 2026-11-29 session 14). Both rows are read with one statement (one snapshot).
/// </summary>
internal interface IHasColdPart
{
    /// <summary>The part to store with this write, or null when it is as it was last read or stored.</summary>
    ColdPartWrite? ChangedColdPart(IGrainStorageSerializer serializer);

    /// <summary>The write that held <paramref name="part"/> committed: the next write leaves the part alone unless it changes again.</summary>
    void ColdPartStored(ColdPartWrite part);

    /// <summary>After the state's own row is read (or found missing): the part's row, null when there is none.</summary>
    void LoadColdPart(BinaryData? payload, IGrainStorageSerializer serializer);
}

/// <summary>The part's payload, and what the state needs to recognise it as stored (<see cref="IHasColdPart.ColdPartStored"/>).</summary>
internal sealed record ColdPartWrite(byte[] Payload, object Snapshot);

/// <summary>The part's row to write with a write (or, for a clear, to delete: a null payload).</summary>
internal readonly record struct ColdPartRow(GrainStateKey Key, byte[]? Payload)
{
    /// <summary>The part's row: the state's name with <c>.part</c> (a state name of the grains has no dot).</summary>
    public static GrainStateKey KeyOf(GrainStateKey state) => state with { StateName = state.StateName + ".part" };
}
