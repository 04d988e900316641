using System.Text.Json;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Inventory.Contracts;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Charging.Usage;

/// <summary>
/// Writes the charging grains' usage records as TMF635 documents (with their create events while the hub has listeners) in the usage module's
/// tables. Idempotent by the record's id: a record stored already is skipped, and one stored by another node in between
/// fails the insert on its primary key, so the batch is retried and then skips it. The line's parties come from
/// inventory when the record is written, so that the owner, and only the owner, sees it.
/// </summary>
internal sealed class UsageRelay(IServiceScopeFactory scopes, IProductInventory inventory, UsageRules rules, IOptions<DialtoneOptions> options, TimeProvider clock)
    : IGrainOutboxHandler
{
    /// <summary>Who the records are written by (their <c>CreatedBy</c>): charging itself, not a partner.</summary>
    public const string Writer = "client:dialtone-charging";

    public string Kind => UsageRecorded.Kind;

    public async Task HandleAsync(IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken)
    {
        var records = entries.Select(entry => JsonSerializer.Deserialize<UsageRecorded>(entry.Payload, UsageRecorded.Json)
            ?? throw new InvalidOperationException($"Grain outbox entry {entry.Id} holds no usage record.")).ToList();
        var parties = new Dictionary<string, IReadOnlyList<InventoryParty>>(StringComparer.Ordinal);
        foreach (var productId in records.Select(record => record.ProductId).Distinct(StringComparer.Ordinal))
        {
            parties[productId] = (await inventory.FindAsync(productId, cancellationToken))?.RelatedParties ?? [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<UsageDbContext>>();
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var ids = records.Select(record => UsageDocuments.IdOf(record.Id)).ToList();
        var stored = (await db.Documents.OfResource(UsageResources.Usage).Where(d => ids.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var context = new TmfWriteContext(db, Caller.ActingFor(Writer, DialtoneRoles.Admin), options.Value.PublicBaseUrl ?? "http://localhost:5080", clock.GetUtcNow());
        // A UsageCreateEvent exists for the TMF635 hub's listeners alone (billing reads the records through IUsageRecords):
        // with none registered, a durable event message per record (stored, handled and deleted by Wolverine on the main
        // database) would be all cost. A listener registered later hears of records written after it, as hubs do.
        var listened = await db.HubListeners.AnyAsync(listener => listener.ApiName == UsageResources.Api, cancellationToken);
        foreach (var record in records)
        {
            var id = UsageDocuments.IdOf(record.Id);
            if (stored.Add(id))
            {
                var usage = TmfRepresentation.ToJsonObject(UsageDocuments.Of(record, parties[record.ProductId]));
                await TmfResourceEndpoints.CreateDocumentAsync<UsageDbContext, Representation.Usage, UsageRules>(outbox, rules, usage, context, cancellationToken, id, publishEvent: listened);
            }
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }
}
