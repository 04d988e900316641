using System.Text.Json.Nodes;
using Dialtone.Inventory.Contracts;
using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Persistence;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Inventory.Features.PersonalData;

/// <summary>
/// The products and services that name a person: exported. A product the person holds (role <c>customer</c>) that is not
/// terminated blocks the erasure (a live line is a contract: end it first). Then the identifiers of their lines (MSISDN,
/// IMSI, ICCID, eSIM profile, port-in donor) are removed from the products and services they hold, with the eSIM
/// activation codes; on a line they only use or pay for, only their own entry is removed.
/// </summary>
internal sealed class InventoryPersonalData(IDbContextOutbox<InventoryDbContext> outbox) : IPersonalDataHolder
{
    private static readonly (TmfResourceDescriptor Resource, string Characteristics)[] Resources =
        [(InventoryResources.Product, "productCharacteristic"), (InventoryResources.Service, "serviceCharacteristic")];

    public string Module => InventoryDbContext.ModuleName;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken) =>
        DocumentRewrites.Export(await NamingAsync(subject, cancellationToken));

    public async Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var (_, products) = (await NamingAsync(subject, cancellationToken))[0];
        return [.. products.Select(d => JsonNode.Parse(d.Body)!.AsObject())
            .Where(p => HeldBy(p, subject.PartyId) && p["status"]?.GetValue<string>() != ProductStatus.Terminated)
            .Select(p => $"Product '{p["name"]}' ({p["id"]}) is {p["status"]}: terminate it first.")];
    }

    public async Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var db = outbox.DbContext;
        var own = context with { Db = db };
        var found = await NamingAsync(subject, cancellationToken);
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        foreach (var (resource, documents) in found)
        {
            var characteristics = Resources.Single(r => r.Resource == resource).Characteristics;
            await DocumentRewrites.RewriteAsync(outbox, resource, documents.Select(d => d.Id), record =>
            {
                if (!HeldBy(record, subject.PartyId))
                {
                    DocumentRewrites.RemoveParty(record, subject.PartyId);
                    return;
                }

                if (record[characteristics] is JsonArray list)
                {
                    foreach (var identifier in list.Where(c => c?["name"]?.GetValue<string>() is { } name && LineIdentifiers.Names.Contains(name)).ToList())
                    {
                        list.Remove(identifier);
                    }
                }
            }, own, cancellationToken);
        }

        // Activation codes of the lines they hold only: a line they merely use stays usable for its holder.
        var products = found[0].Documents.Where(d => HeldBy(JsonNode.Parse(d.Body)!.AsObject(), subject.PartyId)).Select(d => d.Id).ToList();
        await db.EsimActivations.Where(a => products.Contains(a.ProductId)).ExecuteDeleteAsync(cancellationToken);
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken); // commits the transaction with the events
    }

    private static bool HeldBy(JsonObject record, string partyId) => DocumentRewrites.NamesParty(record, partyId, "customer");

    private Task<List<(TmfResourceDescriptor Resource, List<TmfDocument> Documents)>> NamingAsync(DataSubject subject, CancellationToken cancellationToken) =>
        DocumentRewrites.NamingPartyAsync(outbox.DbContext, Resources.Select(r => r.Resource), subject.PartyId, cancellationToken);
}
