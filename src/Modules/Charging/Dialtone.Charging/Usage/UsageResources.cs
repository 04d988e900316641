using Dialtone.Charging.Usage.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Charging.Usage;

/// <summary>TMF635 Usage Management v4: the rated usage records charging writes, and what lists filter on.</summary>
internal static class UsageResources
{
    public const string Api = "usageManagement";

    public static readonly TmfResourceDescriptor Usage = new(Api, "usage", typeof(Representation.Usage),
    [
        new("id", TmfAttributeKind.Text),
        new("status", TmfAttributeKind.Text, Sortable: true),
        new("usageType", TmfAttributeKind.Text, Sortable: true),
        new("usageDate", TmfAttributeKind.DateTime, Sortable: true),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("ratedProductUsage.productRef.id", TmfAttributeKind.Text),
        new("ratedProductUsage.usageRatingTag", TmfAttributeKind.Text),
        new("ratedProductUsage.isBilled", TmfAttributeKind.Text),
    ], timestampAttribute: null, statusAttribute: "status", ownIndex: true);
}

/// <summary>
/// Usage records belong to the parties of their line (copied from inventory when the record is written): each sees them,
/// agents see all. Nobody writes one through the API: charging rates usage, and a record is never changed by a client
/// (TMF635's POST and PATCH are left out; a correction would be a new record by a rerating, not an edit).
/// </summary>
/// <remarks>Stored in the usage module's own table and read from it (<see cref="UsageStore"/>), not as documents with search entries.</remarks>
internal sealed class UsageRules() : RecordRules<Representation.Usage>(UsageResources.Usage, usage => usage.RelatedParty?.Select(party => party.Id)), ITmfOwnIndex
{
    public Task<TmfDocument?> FindAsync(ModuleDbContext db, string id, CancellationToken cancellationToken) =>
        UsageStore.FindAsync((UsageDbContext)db, id, cancellationToken);

    public Task<(IReadOnlyList<TmfDocument> Page, int Total)> ListAsync(ModuleDbContext db, Caller caller, IReadOnlyList<TmfFilter> filters,
        IReadOnlyList<TmfSort> sorts, int offset, int limit, CancellationToken cancellationToken) =>
        UsageStore.ListAsync((UsageDbContext)db, caller, filters, sorts, offset, limit, cancellationToken);

    /// <summary>No search entry names a party of a record: a query through the entries shows a customer nothing (the table answers, above).</summary>
    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        documents.Where(d => false);
}
