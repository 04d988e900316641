using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Hub;

/// <summary>A listener's circuit is open: its delivery goes to the dead letters at once, without retries.</summary>
public sealed class ListenerUnavailableException(string listenerId, DateTimeOffset openUntil)
    : Exception($"Listener {listenerId} failed repeatedly; its circuit is open until {openUntil:O}.");

/// <summary>
/// One circuit per listener (per node): after <see cref="HubOptions.BreakAfterFailures"/> consecutive failed attempts the
/// circuit opens for <see cref="HubOptions.BreakDuration"/>, so a dead listener holds the delivery queue it shares with
/// healthy listeners for a few attempts, not for the whole retry schedule. What it misses is replayable from the dead letters.
/// </summary>
public sealed class ListenerCircuits(IOptionsMonitor<DialtoneOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, State> states = new(StringComparer.Ordinal);

    public void EnsureClosed(string listenerId)
    {
        if (states.TryGetValue(listenerId, out var state) && state.OpenUntil is { } until && until > clock.GetUtcNow())
        {
            throw new ListenerUnavailableException(listenerId, until);
        }
    }

    public void Succeeded(string listenerId) => states.TryRemove(listenerId, out _);

    /// <summary>Closes every circuit: an operator replaying dead letters says the listeners are back.</summary>
    public void Reset() => states.Clear();

    /// <summary>Counts a failed attempt; true when this failure opened the circuit.</summary>
    public bool Failed(string listenerId)
    {
        var hub = options.CurrentValue.Hub;
        var state = states.AddOrUpdate(
            listenerId,
            _ => Next(new State(0, null), hub),
            (_, current) => Next(current, hub));
        return state.Failures == 0 && state.OpenUntil > clock.GetUtcNow();
    }

    private State Next(State state, HubOptions hub)
    {
        var failures = state.Failures + 1;
        return failures >= hub.BreakAfterFailures ? new State(0, clock.GetUtcNow() + hub.BreakDuration) : new State(failures, state.OpenUntil);
    }

    private sealed record State(int Failures, DateTimeOffset? OpenUntil);
}
