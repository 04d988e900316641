using System.Text.Json.Nodes;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Platform.PersonalData;

/// <summary>The person a GDPR request is about: their party and their login.</summary>
public sealed record DataSubject(string PartyId, string UserId);

/// <summary>
/// A module that holds personal data answers GDPR requests for it: it exports what it holds about a person, says what
/// stops their erasure (active lines, money owed), and pseudonymises them. Every step is idempotent, so an erasure that
/// failed half-way is finished by asking again.
/// </summary>
public interface IPersonalDataHolder
{
    /// <summary>The module's name, the key of its part of an export.</summary>
    string Module { get; }

    /// <summary>Erasure runs holders in this order; the login goes last, so that a failed erasure can be asked for again.</summary>
    int ErasureOrder => 0;

    Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken);

    /// <summary>Why the person cannot be erased yet (empty when they can).</summary>
    Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken);

    Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken);
}

/// <summary>Changing stored TMF documents as the system does (erasure, consents): the same versions, index, audit and events as a PATCH.</summary>
public static class DocumentRewrites
{
    /// <summary>The ids of a resource's documents that hold <paramref name="value"/> at a declared attribute.</summary>
    public static Task<List<string>> IdsWithAsync(ModuleDbContext db, TmfResourceDescriptor resource, string path, string value, CancellationToken cancellationToken) =>
        db.SearchEntries.Where(e => e.ResourceType == resource.Resource && e.Path == path && e.Text == value)
            .Select(e => e.DocumentId).Distinct().ToListAsync(cancellationToken);

    /// <summary>The documents of each of <paramref name="resources"/> that name the person in <c>relatedParty</c>, read without tracking.</summary>
    public static async Task<List<(TmfResourceDescriptor Resource, List<TmfDocument> Documents)>> NamingPartyAsync(ModuleDbContext db, IEnumerable<TmfResourceDescriptor> resources,
        string partyId, CancellationToken cancellationToken)
    {
        var found = new List<(TmfResourceDescriptor, List<TmfDocument>)>();
        foreach (var resource in resources)
        {
            var ids = await IdsWithAsync(db, resource, "relatedParty.id", partyId, cancellationToken);
            found.Add((resource, await db.Documents.OfResource(resource).Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken)));
        }

        return found;
    }

    /// <summary>An export of documents, one array of bodies per resource name.</summary>
    public static JsonObject Export(IEnumerable<(TmfResourceDescriptor Resource, List<TmfDocument> Documents)> found)
    {
        var export = new JsonObject();
        foreach (var (resource, documents) in found)
        {
            export[resource.Resource] = new JsonArray([.. documents.Select(d => (JsonNode)JsonNode.Parse(d.Body)!)]);
        }

        return export;
    }

    /// <summary>Whether the document names the person in <c>relatedParty</c> with one of <paramref name="roles"/>.</summary>
    public static bool NamesParty(JsonObject record, string partyId, params string[] roles) =>
        (record["relatedParty"] as JsonArray ?? []).OfType<JsonObject>()
        .Any(p => p["id"]?.GetValue<string>() == partyId && roles.Contains(p["role"]?.GetValue<string>()));

    /// <summary>Removes the person's own entries from the document's <c>relatedParty</c> (on a record that is somebody else's).</summary>
    public static void RemoveParty(JsonObject record, string partyId)
    {
        var parties = record["relatedParty"]?.AsArray() ?? [];
        foreach (var entry in parties.Where(p => p?["id"]?.GetValue<string>() == partyId).ToList())
        {
            parties.Remove(entry);
        }
    }

    /// <summary>Applies <paramref name="change"/> to each document and stages the new versions; the caller commits, then invalidates the read cache.</summary>
    public static async Task RewriteAsync<TDb>(IDbContextOutbox<TDb> outbox, TmfResourceDescriptor resource, IEnumerable<string> ids, Action<JsonObject> change,
        TmfWriteContext context, CancellationToken cancellationToken)
        where TDb : ModuleDbContext
    {
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var document = await outbox.DbContext.Documents.Include(d => d.SearchEntries)
                .FirstOrDefaultAsync(d => d.Id == id && d.ResourceType == resource.Resource, cancellationToken);
            if (document is null)
            {
                continue;
            }

            var before = JsonNode.Parse(document.Body)!.AsObject();
            var after = before.DeepClone().AsObject();
            change(after);
            if (resource.TimestampAttribute is { } stamped)
            {
                after[stamped] = UtcDateTimeOffsetConverter.Format(context.Now);
            }

            await TmfResourceEndpoints.UpdateDocumentAsync(outbox, resource, document, before, after, context, audited: true);
        }
    }
}
