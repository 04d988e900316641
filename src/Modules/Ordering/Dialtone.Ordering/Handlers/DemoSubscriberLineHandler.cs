using Dialtone.Ordering.Seeding;
using Dialtone.Parties.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Ordering.Handlers;

/// <summary>The module's door for <see cref="CustomerRegistered"/>: a demo subscriber (demo mode only) gets a line through a real order.</summary>
public static class DemoSubscriberLineHandler
{
    public static async Task HandleAsync(CustomerRegistered message, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        if (!message.DemoSubscriber)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoLines>().OrderLineAsync(message.PartyId, message.CustomerNumber, cancellationToken);
    }
}
