using Dialtone.Charging.Accounts;
using Dialtone.Ordering.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Handlers;

/// <summary>
/// The charging module's door for <see cref="MigrationOrdersCompleted"/> (a batch of migration orders, delivered at least
/// once): each order's lines get their charging accounts exactly as for a <see cref="ProductOrderCompleted"/>, a few
/// orders at a time (each account is its own grain). The batch is split into <see cref="Parallelism"/> runs of orders,
/// each in one scope, so that its <see cref="ChargingLines"/> reads each offering once for the whole run (the catalog
/// lookups were a sixth of a migration's CPU when every order read its offering again). Every change carries its order
/// item's id, so a redelivered batch changes nothing twice. Public because Wolverine generates the code that calls it.
/// </summary>
public static class MigrationOrdersCompletedHandler
{
    private const int Parallelism = 8;

    public static Task HandleAsync(MigrationOrdersCompleted message, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        var runs = message.Orders.Chunk(Math.Max(1, (message.Orders.Count + Parallelism - 1) / Parallelism));
        return Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (run, token) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var lines = scope.ServiceProvider.GetRequiredService<ChargingLines>();
            foreach (var order in run)
            {
                await lines.ApplyAsync(order, token);
            }
        });
    }
}
