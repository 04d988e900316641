using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Charging.Notifications;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Platform.Json;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Charging.Usage;

/// <summary>
/// What the usage module holds about a person: the rated usage records of lines they are named on (TMF635; by party id
/// only, no names or line identifiers) and their allowance notices (80 %, 100 %). Both are exported. Erasure deletes the
/// notices; the usage records stay, as billing records do, because an invoice is built and disputed from them — they
/// name the party by its id alone, which the parties module pseudonymises, so nothing in them points to the person.
/// </summary>
internal sealed class UsagePersonalData(UsageDbContext db) : IPersonalDataHolder
{
    public string Module => UsageDbContext.ModuleName;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var records = await UsageStore.NamingPartyAsync(db, subject.PartyId, cancellationToken);
        var export = DocumentRewrites.Export([(UsageResources.Usage, records)]);
        var notices = await db.Notifications.AsNoTracking().Where(n => n.PartyId == subject.PartyId)
            .OrderBy(n => n.ReachedAt).ThenBy(n => n.Percent).ThenBy(n => n.Id).ToListAsync(cancellationToken);
        export["notifications"] = JsonSerializer.SerializeToNode(notices.Select(MyNotifications.View).ToList(), TmfJson.Options);
        return export;
    }

    public Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public async Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken) =>
        await db.Notifications.Where(n => n.PartyId == subject.PartyId).ExecuteDeleteAsync(cancellationToken);
}
