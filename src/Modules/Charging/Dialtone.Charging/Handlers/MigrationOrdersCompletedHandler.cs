using Dialtone.Charging.Accounts;
using Dialtone.Ordering.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Handlers;

/// <summary>
/// The charging module's door for <see cref="MigrationOrdersCompleted"/> (a batch of migration orders, delivered at least
/// once): each order's lines get their charging accounts exactly as for a <see cref="ProductOrderCompleted"/>, a few
/// orders at a time (each account is its own grain). Every change carries its order item's id, so a redelivered batch
/// changes nothing twice. Public because Wolverine generates the code that calls it.
/// </summary>
public static class MigrationOrdersCompletedHandler
{
    private const int Parallelism = 8;

    public static Task HandleAsync(MigrationOrdersCompleted message, IServiceScopeFactory scopes, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(message.Orders, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (order, token) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ChargingLines>().ApplyAsync(order, token);
        });
}
