using System.Text.Json;
using Dialtone.Charging.Contracts;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Inventory.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Charging.Notifications;

/// <summary>
/// Publishes the grains' threshold crossings as <see cref="AllowanceThresholdReached"/> through Wolverine's durable
/// outbox (the usage module's DbContext: the envelopes commit in one transaction, then Wolverine delivers them at least
/// once). The line's parties come from inventory at this moment, so a line that changed hands notifies its new holder.
/// A redelivered entry publishes the event again under the same <see cref="AllowanceThresholdReached.EventId"/>:
/// consumers dedupe by it (<see cref="AllowanceThresholdReachedHandler"/>).
/// </summary>
internal sealed class AllowanceThresholdRelay(IServiceScopeFactory scopes, IProductInventory inventory) : IGrainOutboxHandler
{
    public string Kind => AllowanceThresholdCrossed.Kind;

    public async Task HandleAsync(IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken)
    {
        var crossings = entries.Select(entry => JsonSerializer.Deserialize<AllowanceThresholdCrossed>(entry.Payload, AllowanceThresholdCrossed.Json)
            ?? throw new InvalidOperationException($"Grain outbox entry {entry.Id} holds no threshold crossing.")).ToList();
        var parties = new Dictionary<string, IReadOnlyList<AllowanceParty>>(StringComparer.Ordinal);
        foreach (var productId in crossings.Select(crossing => crossing.ProductId).Distinct(StringComparer.Ordinal))
        {
            var product = await inventory.FindAsync(productId, cancellationToken);
            parties[productId] = [.. (product?.RelatedParties ?? []).Select(party => new AllowanceParty(party.Id, party.Role))];
        }

        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<UsageDbContext>>();
        await using var transaction = await outbox.DbContext.Database.BeginTransactionAsync(cancellationToken);
        foreach (var crossing in crossings)
        {
            await outbox.PublishAsync(new AllowanceThresholdReached(
                crossing.Id, crossing.ProductId, parties[crossing.ProductId], crossing.BucketId, crossing.AllowanceName, crossing.AllowanceKind,
                crossing.Unit, crossing.Percent, crossing.Used, crossing.Amount, crossing.At));
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }
}
