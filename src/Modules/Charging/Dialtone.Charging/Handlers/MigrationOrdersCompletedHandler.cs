using Dialtone.Charging.Accounts;
using Dialtone.Ordering.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Handlers;

/// <summary>
/// The charging module's door for <see cref="MigrationOrdersCompleted"/> (a batch of migration orders, delivered at least
/// once): each order's line gets its charging account as for a <see cref="ProductOrderCompleted"/>, through
/// <see cref="ChargingLines.OpenMigratedAsync"/>: the batch's products in one inventory read, each offering read once,
/// then <see cref="Parallelism"/> accounts opened at a time (each account is its own grain; a migrated line opens, and is
/// suspended only when it is, rather than three grain writes per line). Every change carries its order item's id, so a
/// redelivered batch changes nothing twice. Public because Wolverine generates the code that calls it.
/// </summary>
public static class MigrationOrdersCompletedHandler
{
    private const int Parallelism = 32;

    public static async Task HandleAsync(MigrationOrdersCompleted message, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ChargingLines>().OpenMigratedAsync(message.Orders, Parallelism, cancellationToken);
    }
}
