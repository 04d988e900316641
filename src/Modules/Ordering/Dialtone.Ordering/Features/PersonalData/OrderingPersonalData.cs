using Dialtone.Inventory.Contracts;
using System.Text.Json.Nodes;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.PersonalData;

/// <summary>
/// The product and service orders that name a person, and their identity check: exported. An order of theirs that is
/// still open (acknowledged, pending, held, in progress, being cancelled) blocks the erasure: let it finish or cancel
/// it. Then the line identifiers (MSISDN, IMSI, ICCID, eSIM profile, port-in donor) are removed from the orders they
/// placed, from their service orders and from the fulfilment records (what the steps were called with and answered),
/// and their identity check is deleted; on an order that only names them as a user or payer, only their entry goes.
/// The orders themselves stay, as the record of what was sold.
/// </summary>
internal sealed class OrderingPersonalData(IDbContextOutbox<OrderingDbContext> outbox) : IPersonalDataHolder
{
    private static readonly HashSet<string> Finished = new(StringComparer.Ordinal) { OrderState.Completed, OrderState.Failed, OrderState.Cancelled, OrderState.Rejected };

    public string Module => OrderingDbContext.ModuleName;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var export = DocumentRewrites.Export(await NamingAsync(subject, cancellationToken));
        var check = await outbox.DbContext.IdentityChecks.AsNoTracking().FirstOrDefaultAsync(c => c.PartyId == subject.PartyId, cancellationToken);
        if (check is not null)
        {
            export["identityCheck"] = new JsonObject { ["status"] = check.Status, ["documentType"] = check.DocumentType };
        }

        return export;
    }

    public async Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var (_, orders) = (await NamingAsync(subject, cancellationToken))[0];
        return [.. orders.Select(d => JsonNode.Parse(d.Body)!.AsObject())
            .Where(o => PlacedFor(o, subject.PartyId) && !Finished.Contains(o["state"]?.GetValue<string>() ?? ""))
            .Select(o => $"Order {o["id"]} is {o["state"]}: let it finish or cancel it.")];
    }

    public async Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var db = outbox.DbContext;
        var own = context with { Db = db };
        var found = await NamingAsync(subject, cancellationToken);
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        foreach (var (resource, documents) in found)
        {
            await DocumentRewrites.RewriteAsync(outbox, resource, documents.Select(d => d.Id), order =>
            {
                if (!PlacedFor(order, subject.PartyId))
                {
                    DocumentRewrites.RemoveParty(order, subject.PartyId);
                    return;
                }

                foreach (var item in (order["productOrderItem"] ?? order["serviceOrderItem"])?.AsArray() ?? [])
                {
                    var characteristics = (item?["product"]?["productCharacteristic"] ?? item?["service"]?["serviceCharacteristic"]) as JsonArray ?? [];
                    foreach (var identifier in characteristics.Where(c => c?["name"]?.GetValue<string>() is { } name && LineIdentifiers.Names.Contains(name)).ToList())
                    {
                        characteristics.Remove(identifier);
                    }
                }
            }, own, cancellationToken);
        }

        var placed = found[0].Documents.Where(d => PlacedFor(JsonNode.Parse(d.Body)!.AsObject(), subject.PartyId)).Select(d => d.Id).ToList();
        foreach (var process in await db.Processes.Where(p => placed.Contains(p.OrderId)).ToListAsync(cancellationToken))
        {
            process.ForgetIdentifiers(context.Now);
        }

        await db.IdentityChecks.Where(c => c.PartyId == subject.PartyId).ExecuteDeleteAsync(cancellationToken);
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken); // commits the transaction with the events
    }

    /// <summary>The order is the person's own (they are its customer), not one that only names them as a user or payer.</summary>
    private static bool PlacedFor(JsonObject order, string partyId) => DocumentRewrites.NamesParty(order, partyId, ProductOrders.ProductOrderRules.CustomerRole);

    private Task<List<(TmfResourceDescriptor Resource, List<TmfDocument> Documents)>> NamingAsync(DataSubject subject, CancellationToken cancellationToken) =>
        DocumentRewrites.NamingPartyAsync(outbox.DbContext, [OrderingResources.ProductOrder, ServiceOrderingResources.ServiceOrder], subject.PartyId, cancellationToken);
}
