using System.Text.Json;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Inventory.Contracts;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Charging.Usage;

/// <summary>A usage record as its row keeps it: what the grain wrote, and the line's parties when it was stored.</summary>
internal sealed record StoredUsage(UsageRecorded Record, IReadOnlyList<InventoryParty> Parties);

/// <summary>
/// The usage records' own table (ADR 0003, amendment of 2026-11-29): a row per record (<see cref="UsageRecordRow"/>: the
/// declared attributes as columns, and the record as the grain wrote it) and a row per party it names
/// (<see cref="UsagePartyRow"/>), instead of a TMF635 document with a search entry per declared attribute. Charging
/// writes a record per update of every session, and storing the document was about a third of a charging request's CPU
/// (bench/README, session 17): its JSON DOM, its encrypted 2–3 KB body, its entries. A record is rendered into TMF635
/// when it is read. Records stored before (their row's <see cref="UsageRecordRow.Record"/> null) are read from their
/// documents. TMF635 reads (<see cref="UsageRules"/>), billing (<see cref="UsageRecords"/>) and exports go through here.
/// </summary>
internal static class UsageStore
{
    /// <summary>Writes new records (none stored yet under their ids) on the caller's open transaction.</summary>
    public static async Task InsertAsync(UsageDbContext db, IReadOnlyList<(string Id, StoredUsage Usage)> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<UsageRecordRow>(records.Count);
        var parties = new List<UsagePartyRow>(records.Count);
        foreach (var (id, usage) in records)
        {
            rows.Add(RowOf(id, usage, now));
            parties.AddRange(usage.Parties.Select(party => party.Id).Distinct(StringComparer.Ordinal).Select(party => new UsagePartyRow { PartyId = party, DocumentId = id }));
        }

        await TmfDocumentBulk.InsertRowsAsync(db, rows, cancellationToken);
        await TmfDocumentBulk.InsertRowsAsync(db, parties, cancellationToken);
        TmfDocumentBulk.Written(db, UsageResources.Usage, rows.Select(row => row.DocumentId));
    }

    public static UsageRecordRow RowOf(string id, StoredUsage stored, DateTimeOffset now)
    {
        var record = stored.Record;
        var rated = record.Debits.Count > 0 || record.Charge is not null;
        return new UsageRecordRow
        {
            DocumentId = id,
            Record = JsonSerializer.Serialize(stored, UsageRecorded.Json),
            WrittenAt = now.ToUnixTimeMilliseconds(),
            // As UsageDocuments.Of renders them: a rated product usage per debit and one for a charge, each naming the line, none billed.
            ProductId = rated ? record.ProductId : null,
            UsageDate = record.UsageDate.ToUnixTimeMilliseconds(),
            UsageType = UsageDocuments.UsageTypeOf(record.Unit),
            Status = UsageDocuments.Rated,
            Included = record.Debits.Count > 0,
            Overage = record.Charge is not null,
            Billed = false,
            Unbilled = rated,
        };
    }

    /// <summary>The record's TMF635 document as it would have been stored (not tracked; nothing is saved).</summary>
    public static TmfDocument Render(UsageDbContext db, string id, StoredUsage stored, DateTimeOffset writtenAt) =>
        TmfDocumentImport.Create(db, UsageResources.Usage, UsageDocuments.Of(stored.Record, stored.Parties), id, writtenAt, UsageRelay.Writer);

    /// <summary>The record with this id, or null.</summary>
    public static async Task<TmfDocument?> FindAsync(UsageDbContext db, string id, CancellationToken cancellationToken) =>
        (await DocumentsAsync(db, db.Records.Where(r => r.DocumentId == id), cancellationToken)).SingleOrDefault();

    /// <summary>One page of the records <paramref name="caller"/> may see that match every filter, in the sorts' order, and how many match.</summary>
    public static async Task<(IReadOnlyList<TmfDocument> Page, int Total)> ListAsync(UsageDbContext db, Caller caller, IReadOnlyList<TmfFilter> filters,
        IReadOnlyList<TmfSort> sorts, int offset, int limit, CancellationToken cancellationToken)
    {
        var rows = VisibleTo(db, caller);
        foreach (var filter in filters)
        {
            rows = WhereMatches(db, rows, filter);
        }

        var page = await DocumentsAsync(db, OrderBySorts(rows, sorts).Skip(offset).Take(limit), cancellationToken);
        // A first page that is not full holds every match: the count is known without a second query.
        var total = offset == 0 && page.Count < limit ? page.Count : await rows.CountAsync(cancellationToken);
        return (page, total);
    }

    /// <summary>The records that name <paramref name="partyId"/> (an export of what is held about a person).</summary>
    public static Task<List<TmfDocument>> NamingPartyAsync(UsageDbContext db, string partyId, CancellationToken cancellationToken) =>
        DocumentsAsync(db, NamingParty(db, partyId).OrderBy(r => r.DocumentId), cancellationToken);

    /// <summary>The records of a line rated in [<paramref name="from"/>, <paramref name="to"/>) (Unix milliseconds), in time order.</summary>
    public static Task<List<TmfDocument>> OfLineAsync(UsageDbContext db, string productId, long from, long to, CancellationToken cancellationToken) =>
        DocumentsAsync(db, db.Records.Where(r => r.ProductId == productId && r.UsageDate >= from && r.UsageDate < to).OrderBy(r => r.UsageDate).ThenBy(r => r.DocumentId),
            cancellationToken);

    /// <summary>
    /// What <paramref name="caller"/> may see, as the customer-data rule says (<see cref="CustomerDataRules{T}"/>): staff all,
    /// a partner what it wrote (charging writes every record), a customer what names them.
    /// </summary>
    private static IQueryable<UsageRecordRow> VisibleTo(UsageDbContext db, Caller caller)
    {
        var rows = db.Records.AsNoTracking();
        if (CustomerDataAccess.MayUseAsStaffOrCreator(UsageRelay.Writer, caller))
        {
            return rows;
        }

        return caller.IsSelfService ? NamingParty(db, caller.PartyId!) : rows.Where(r => false);
    }

    private static IQueryable<UsageRecordRow> NamingParty(UsageDbContext db, string partyId)
    {
        var ids = db.RecordParties.Where(p => p.PartyId == partyId).Select(p => p.DocumentId);
        return db.Records.AsNoTracking().Where(r => ids.Contains(r.DocumentId));
    }

    /// <summary>A TMF630 filter of a declared usage attribute, in SQL (the semantics of search entries: equality takes several values as OR).</summary>
    private static IQueryable<UsageRecordRow> WhereMatches(UsageDbContext db, IQueryable<UsageRecordRow> rows, TmfFilter filter)
    {
        var texts = filter.Texts.ToList();
        switch (filter.Attribute.Path)
        {
            case TmfResourceDescriptor.IdPath:
                return rows.Where(r => texts.Contains(r.DocumentId));
            case "relatedParty.id":
                var named = db.RecordParties.Where(p => texts.Contains(p.PartyId)).Select(p => p.DocumentId);
                return rows.Where(r => named.Contains(r.DocumentId));
            case "status":
                return rows.Where(r => texts.Contains(r.Status));
            case "usageType":
                return rows.Where(r => texts.Contains(r.UsageType));
            case "usageDate":
                var times = filter.Numbers.ToList();
                var time = times[0];
                return filter.Operator switch
                {
                    TmfFilterOperator.GreaterThan => rows.Where(r => r.UsageDate > time),
                    TmfFilterOperator.GreaterThanOrEqual => rows.Where(r => r.UsageDate >= time),
                    TmfFilterOperator.LessThan => rows.Where(r => r.UsageDate < time),
                    TmfFilterOperator.LessThanOrEqual => rows.Where(r => r.UsageDate <= time),
                    _ => rows.Where(r => times.Contains(r.UsageDate)),
                };
            case "ratedProductUsage.productRef.id":
                return rows.Where(r => r.ProductId != null && texts.Contains(r.ProductId));
            case "ratedProductUsage.usageRatingTag":
                return rows.Where(r => (r.Included && texts.Contains(UsageDocuments.Included)) || (r.Overage && texts.Contains(UsageDocuments.Overage)));
            case "ratedProductUsage.isBilled":
                return rows.Where(r => (r.Billed && texts.Contains("true")) || (r.Unbilled && texts.Contains("false")));
            case var path:
                throw new InvalidOperationException($"The usage table has no column for the declared attribute '{path}'.");
        }
    }

    private static IQueryable<UsageRecordRow> OrderBySorts(IQueryable<UsageRecordRow> rows, IReadOnlyList<TmfSort> sorts)
    {
        IOrderedQueryable<UsageRecordRow>? ordered = null;
        foreach (var sort in sorts)
        {
            ordered = sort.Attribute.Path switch
            {
                "status" => TmfDocumentQueries.Then(ordered, rows, r => r.Status, sort.Descending),
                "usageType" => TmfDocumentQueries.Then(ordered, rows, r => r.UsageType, sort.Descending),
                "usageDate" => TmfDocumentQueries.Then(ordered, rows, r => r.UsageDate, sort.Descending),
                var path => throw new InvalidOperationException($"The usage table cannot sort by '{path}'."),
            };
        }

        return ordered is null ? rows.OrderBy(r => r.DocumentId) : ordered.ThenBy(r => r.DocumentId);
    }

    /// <summary>The documents of the rows, in the rows' order: rendered from the record, or read from <c>documents</c> for records stored before.</summary>
    private static async Task<List<TmfDocument>> DocumentsAsync(UsageDbContext db, IQueryable<UsageRecordRow> rows, CancellationToken cancellationToken)
    {
        var found = await rows.Select(r => new { r.DocumentId, r.Record, r.WrittenAt }).ToListAsync(cancellationToken);
        var earlier = found.Where(r => r.Record is null).Select(r => r.DocumentId).ToList();
        var stored = earlier.Count == 0
            ? []
            : await db.Documents.OfResource(UsageResources.Usage).Where(d => earlier.Contains(d.Id)).ToDictionaryAsync(d => d.Id, StringComparer.Ordinal, cancellationToken);
        var documents = new List<TmfDocument>(found.Count);
        foreach (var row in found)
        {
            if (row.Record is { } record)
            {
                var usage = JsonSerializer.Deserialize<StoredUsage>(record, UsageRecorded.Json)
                    ?? throw new InvalidOperationException($"Usage record {row.DocumentId} holds no record.");
                documents.Add(Render(db, row.DocumentId, usage, DateTimeOffset.FromUnixTimeMilliseconds(row.WrittenAt ?? 0)));
            }
            else if (stored.GetValueOrDefault(row.DocumentId) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }
}
