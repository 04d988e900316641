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
    private static readonly HashSet<string> Identifiers = new(StringComparer.Ordinal) { "msisdn", "imsi", "iccid", "esimProfileId", "portInDonorOperator" };

    private static readonly HashSet<string> Finished = new(StringComparer.Ordinal) { OrderState.Completed, OrderState.Failed, OrderState.Cancelled, OrderState.Rejected };

    public string Module => OrderingDbContext.ModuleName;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var export = new JsonObject();
        foreach (var (resource, documents) in await NamingAsync(subject, cancellationToken))
        {
            export[resource.Resource] = new JsonArray([.. documents.Select(d => (JsonNode)JsonNode.Parse(d.Body)!)]);
        }

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
                    var parties = order["relatedParty"]?.AsArray() ?? [];
                    foreach (var entry in parties.Where(p => p?["id"]?.GetValue<string>() == subject.PartyId).ToList())
                    {
                        parties.Remove(entry);
                    }

                    return;
                }

                foreach (var item in (order["productOrderItem"] ?? order["serviceOrderItem"])?.AsArray() ?? [])
                {
                    var characteristics = (item?["product"]?["productCharacteristic"] ?? item?["service"]?["serviceCharacteristic"]) as JsonArray ?? [];
                    foreach (var identifier in characteristics.Where(c => c?["name"]?.GetValue<string>() is { } name && Identifiers.Contains(name)).ToList())
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
    private static bool PlacedFor(JsonObject order, string partyId) =>
        (order["relatedParty"] as JsonArray ?? []).OfType<JsonObject>().Any(p => p["id"]?.GetValue<string>() == partyId && p["role"]?.GetValue<string>() == "customer");

    private async Task<List<(TmfResourceDescriptor Resource, List<TmfDocument> Documents)>> NamingAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var db = outbox.DbContext;
        var found = new List<(TmfResourceDescriptor, List<TmfDocument>)>();
        foreach (var resource in new[] { OrderingResources.ProductOrder, ServiceOrderingResources.ServiceOrder })
        {
            var ids = await DocumentRewrites.IdsWithAsync(db, resource, "relatedParty.id", subject.PartyId, cancellationToken);
            found.Add((resource, await db.Documents.OfResource(resource).Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken)));
        }

        return found;
    }
}
