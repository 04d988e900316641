using Dialtone.Ordering.Features.Fulfilment;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Dialtone.Ordering.Handlers;

/// <summary>Advance the fulfilment of one product order as far as it can go now. Public: Wolverine generates the code that handles it.</summary>
public sealed record AdvanceProductOrder(string OrderId);

/// <summary>The module's door for <see cref="AdvanceProductOrder"/> (delivered from the durable outbox, at least once, one at a time per order).</summary>
public static class AdvanceProductOrderHandler
{
    /// <summary>A database hiccup (a busy SQLite file, a dropped connection) is retried at once; committed steps make a retry safe. Beyond that the message is a dead letter an operator replays.</summary>
    public static void Configure(HandlerChain chain) =>
        chain.OnAnyException().RetryWithCooldown(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)).Then.MoveToErrorQueue();

    public static async Task HandleAsync(AdvanceProductOrder message, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OrderFulfilment>().AdvanceAsync(message.OrderId, cancellationToken);
    }
}
