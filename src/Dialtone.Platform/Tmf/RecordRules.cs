using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Platform.Tmf;

/// <summary>
/// The rules of a customer-data resource that Dialtone itself writes and the API only reads (inventory products and
/// services, service orders): it belongs to the parties its <c>relatedParty</c> names (indexed as
/// <c>relatedParty.id</c>), nobody changes it through the API, and what Dialtone writes is not judged again.
/// </summary>
public abstract class RecordRules<T>(TmfResourceDescriptor resource, Func<T, IEnumerable<string?>?> relatedPartyIds) : CustomerDataRules<T>
    where T : class
{
    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>();

    public override TmfResourceDescriptor Resource => resource;

    protected override IReadOnlySet<string> SelfServiceWritable => Nothing;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(T representation, string partyId) => Names(relatedPartyIds(representation), partyId);

    protected override Task ValidateResourceAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
