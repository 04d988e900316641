using Dialtone.Charging.Accounts;
using Dialtone.Ordering.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Handlers;

/// <summary>
/// The charging module's door for <see cref="ProductOrderCompleted"/> (delivered at least once from the ordering outbox):
/// opens and changes the charging accounts of the order's lines. Public because Wolverine generates the code that calls it.
/// </summary>
public static class ProductOrderCompletedHandler
{
    public static async Task HandleAsync(ProductOrderCompleted message, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ChargingLines>().ApplyAsync(message, cancellationToken);
    }
}
