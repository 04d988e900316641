namespace Dialtone.Charging.Storage;

/// <summary>
/// The right to relay the grain outbox. Several nodes share one PostgreSQL store: one of them relays at a time, so an
/// entry is handed to its handler by one node and the kinds keep their order; the others wait to take over. A lease ends
/// when it is disposed or when the node holding it dies (PostgreSQL lets go of a dead session's advisory lock).
/// </summary>
internal interface IOutboxRelayLease : IAsyncDisposable
{
    /// <summary>False once the lease is lost (its connection broke): the relay stops and asks for a new one.</summary>
    Task<bool> StillHeldAsync(CancellationToken cancellationToken);
}

/// <summary>The lease of a store that only this process writes (the SQLite file): always held.</summary>
internal sealed class SoleRelayLease : IOutboxRelayLease
{
    public static readonly SoleRelayLease Instance = new();

    public Task<bool> StillHeldAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
