using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Outbox;

/// <summary>
/// Takes the grain outbox entries of one kind (<see cref="GrainOutboxRelay"/>). Delivery is at least once: a handler must
/// make a second delivery of an entry change nothing (key what it writes by <see cref="GrainOutboxEntry.Id"/>). Throwing
/// leaves the whole batch for a later attempt.
/// </summary>
internal interface IGrainOutboxHandler
{
    /// <summary>The <see cref="GrainOutboxEntry.Kind"/> it handles.</summary>
    string Kind { get; }

    /// <summary>Handles entries of <see cref="Kind"/> in the order the grains made them; returns once they are durable elsewhere.</summary>
    Task HandleAsync(IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken);
}
