using System.Text.Json;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Inventory.Contracts;
using Dialtone.Platform;
using Dialtone.Platform.Audit;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Charging.Usage;

/// <summary>
/// Writes the charging grains' usage records into the usage module's table (<see cref="UsageStore"/>; with their TMF635 create
/// events while the hub has listeners). Idempotent by the record's id: a record stored already is skipped, and one stored
/// by another node in between fails the insert on its primary key, so the batch is retried and then skips it. The line's
/// parties come from inventory when the record is written, so that the owner, and only the owner, sees it.
/// </summary>
/// <remarks>
/// Charging writes a record per update of every session, thousands a second: a batch is written in multi-row inserts
/// (<see cref="TmfDocumentBulk"/>), a row per record (the record as the grain wrote it, rendered into TMF635 when read) and a
/// row per party, after one read of the ids stored already and one read of the lines' parties, with one audit line for
/// the batch instead of a tracked entity, an audit line and an event per record.
/// </remarks>
internal sealed class UsageRelay(IServiceScopeFactory scopes, IProductInventory inventory, IOptions<DialtoneOptions> options, TimeProvider clock)
    : IGrainOutboxHandler
{
    /// <summary>Who the records are written by (their <c>CreatedBy</c>): charging itself, not a partner.</summary>
    public const string Writer = "client:dialtone-charging";

    public string Kind => UsageRecorded.Kind;

    public async Task HandleAsync(IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken)
    {
        var records = entries.Select(entry => JsonSerializer.Deserialize<UsageRecorded>(entry.Payload, UsageRecorded.Json)
            ?? throw new InvalidOperationException($"Grain outbox entry {entry.Id} holds no usage record.")).ToList();
        var products = (await inventory.FindManyAsync([.. records.Select(record => record.ProductId).Distinct(StringComparer.Ordinal)], cancellationToken))
            .ToDictionary(product => product.Id, StringComparer.Ordinal);

        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<UsageDbContext>>();
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var ids = records.Select(UsageDocuments.IdOf).ToList();
        var earlier = records.Select(record => UsageDocuments.NameBasedIdOf(record.Id)).ToList();
        List<string> either = [.. ids, .. earlier];
        var stored = (await db.Records.Where(r => either.Contains(r.DocumentId)).Select(r => r.DocumentId).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var fresh = new List<(string Id, StoredUsage Usage)>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            // Stored already under its id, or under the id an earlier version gave it (relayed before an upgrade).
            if (!stored.Contains(earlier[i]) && stored.Add(ids[i]))
            {
                fresh.Add((ids[i], new StoredUsage(records[i], products.GetValueOrDefault(records[i].ProductId)?.RelatedParties ?? [])));
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        await UsageStore.InsertAsync(db, fresh, now, cancellationToken);
        var writer = Caller.ActingFor(Writer, DialtoneRoles.Admin);
        AuditTrail.Record(db, writer, null, now, "create", UsageResources.Usage.Resource, "batch", $"{fresh.Count} usage records relayed from charging",
            listedIds: string.Join(',', fresh.Select(record => record.Id)));

        // A UsageCreateEvent exists for the TMF635 hub's listeners alone (billing reads the records through IUsageRecords):
        // with none registered, a durable event message per record (stored, handled and deleted by Wolverine on the main
        // database) would be all cost. A listener registered later hears of records written after it, as hubs do.
        if (await db.HubListeners.AnyAsync(listener => listener.ApiName == UsageResources.Api, cancellationToken))
        {
            var baseUrl = options.Value.PublicBaseUrl ?? "http://localhost:5080";
            var protector = ProtectedColumns.RequiredProtectorOf(db);
            foreach (var document in fresh.Select(record => UsageStore.Render(db, record.Id, record.Usage, now)))
            {
                var view = TmfRepresentation.ForCaller(document, UsageResources.Usage, baseUrl);
                await outbox.PublishAsync(TmfEvents.Build(UsageResources.Api, UsageResources.Usage.Resource, UsageResources.Usage.TypeName, TmfEventKind.Create,
                    document.Id, document.Version, view, now, protector, document.CreatedBy));
            }
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }
}
