using System.Text.Json.Nodes;
using Dialtone.Parties.Domain;
using Dialtone.Parties.Persistence;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Parties.Features.SelfService;

/// <summary>What the parties module holds about a person (their individual, their customer records, the organizations naming them), exported and erased.</summary>
internal sealed class PartiesPersonalData(IDbContextOutbox<PartiesDbContext> outbox) : IPersonalDataHolder
{
    public const string ErasedStatus = "erased";

    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal) { "id", "@type", "@baseType", "@schemaLocation" };

    public string Module => PartiesDbContext.ModuleName;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var db = outbox.DbContext;
        return new JsonObject
        {
            ["individual"] = await DocumentsAsync(db, PartyResources.Individual, [subject.PartyId], cancellationToken),
            ["customers"] = await DocumentsAsync(db, PartyResources.Customer,
                await DocumentRewrites.IdsWithAsync(db, PartyResources.Customer, "engagedParty.id", subject.PartyId, cancellationToken), cancellationToken),
            ["organizations"] = await DocumentsAsync(db, PartyResources.Organization,
                await DocumentRewrites.IdsWithAsync(db, PartyResources.Organization, "relatedParty.id", subject.PartyId, cancellationToken), cancellationToken),
        };
    }

    public Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The person becomes "Erased person": names replaced, contact data, birth date and characteristics gone; customers keep only their number.</summary>
    public async Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var db = outbox.DbContext;
        var own = context with { Db = db };
        var customers = await DocumentRewrites.IdsWithAsync(db, PartyResources.Customer, "engagedParty.id", subject.PartyId, cancellationToken);
        var organizations = await DocumentRewrites.IdsWithAsync(db, PartyResources.Organization, "relatedParty.id", subject.PartyId, cancellationToken);
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        await DocumentRewrites.RewriteAsync(outbox, PartyResources.Individual, [subject.PartyId], person =>
        {
            foreach (var name in person.Select(p => p.Key).Where(k => !Kept.Contains(k)).ToList())
            {
                person.Remove(name);
            }

            person["givenName"] = "Erased";
            person["familyName"] = "Person";
            person["formattedName"] = "Erased person";
            person["status"] = ErasedStatus;
        }, own, cancellationToken);
        await DocumentRewrites.RewriteAsync(outbox, PartyResources.Customer, customers, customer =>
        {
            customer.Remove("contactMedium");
            customer.Remove("characteristic");
            customer.Remove("paymentMethod");
            customer["name"] = customer["customerNumber"]?.DeepClone();
            customer["status"] = "Erased";
        }, own, cancellationToken);
        await DocumentRewrites.RewriteAsync(outbox, PartyResources.Organization, organizations, organization =>
        {
            var related = organization["relatedParty"]!.AsArray();
            foreach (var entry in related.Where(p => p?["id"]?.GetValue<string>() == subject.PartyId).ToList())
            {
                related.Remove(entry);
            }
        }, own, cancellationToken);
        await outbox.PublishAsync(new Contracts.PersonalDataErased(subject.PartyId, context.Now));
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken); // commits the transaction with the events
    }

    private static async Task<JsonArray> DocumentsAsync(PartiesDbContext db, TmfResourceDescriptor resource, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var documents = await db.Documents.OfResource(resource).Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
        return new JsonArray([.. documents.Select(d => (JsonNode)JsonNode.Parse(d.Body)!)]);
    }
}
