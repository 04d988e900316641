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
