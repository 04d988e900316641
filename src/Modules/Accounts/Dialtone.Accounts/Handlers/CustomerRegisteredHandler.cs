using System.Text.Json.Nodes;
using Dialtone.Accounts.Contracts;
using Dialtone.Accounts.Domain;
using Dialtone.Accounts.Domain.Representation;
using Dialtone.Accounts.Features.Accounts;
using Dialtone.Accounts.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Accounts.Handlers;

/// <summary>
/// A new customer gets their billing account, owned by their party, from the <see cref="CustomerRegistered"/> event
/// (delivered at least once from the parties module's outbox): opened once, whatever the redeliveries. Public because
/// Wolverine generates the code that calls handlers: this is the module's door for the event, as endpoints are for HTTP.
/// </summary>
public static class CustomerRegisteredHandler
{
    public static async Task HandleAsync(CustomerRegistered message, IServiceScopeFactory scopes, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<AccountsDbContext>>();
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var partyId = message.PartyId;
        var resource = AccountResources.BillingAccount.Resource;
        if (await db.SearchEntries.AnyAsync(e => e.ResourceType == resource && e.Path == "relatedParty.id" && e.Text == partyId, cancellationToken))
        {
            return;
        }

        var party = await scope.ServiceProvider.GetRequiredService<IPartyDirectory>().FindAsync(partyId, cancellationToken)
                    ?? throw new InvalidOperationException($"Party {partyId} of customer {message.CustomerNumber} does not exist.");
        var body = new JsonObject
        {
            ["name"] = "Main account",
            ["accountType"] = "consumer",
            ["description"] = $"Billing account of customer {message.CustomerNumber}",
            ["paymentStatus"] = "paidUp",
            ["relatedParty"] = new JsonArray(new JsonObject
            {
                ["id"] = partyId,
                ["name"] = party.Name,
                ["role"] = AccountPartyRoles.Owner,
                ["@referredType"] = "Individual",
            }),
        };
        var opener = new Caller(message.CreatedBy, new HashSet<string>(StringComparer.Ordinal) { DialtoneRoles.Admin });
        var context = new TmfWriteContext(db, opener, options.Value.PublicBaseUrl ?? "http://localhost:5080", clock.GetUtcNow());
        await TmfResourceEndpoints.CreateDocumentAsync<AccountsDbContext, BillingAccount, BillingAccountRules>(
            outbox, scope.ServiceProvider.GetRequiredService<BillingAccountRules>(), body, context, cancellationToken);
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }
}
