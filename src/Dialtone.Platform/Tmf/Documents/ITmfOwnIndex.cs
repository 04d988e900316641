using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>
/// The reads of a resource whose descriptor has an <see cref="TmfResourceDescriptor.OwnIndex"/>, implemented by its rules:
/// the module keeps the resource in a table of its own (its declared attributes as columns, the record in whatever form
/// it writes cheapest) and answers lookups and lists from it, in SQL; it hands back documents as the platform would have
/// stored them, so rendering, <c>fields</c>, ETags, the read cache and the audit of reads stay the platform's.
/// </summary>
public interface ITmfOwnIndex
{
    /// <summary>The resource with this id, or null (visibility is judged afterwards, on the document, by the rules).</summary>
    Task<TmfDocument?> FindAsync(ModuleDbContext db, string id, CancellationToken cancellationToken);

    /// <summary>
    /// One page of what <paramref name="caller"/> may see (the rules' <c>IsVisibleTo</c> in SQL) that matches every filter
    /// (personal values already hashed), in the order of the sorts then by id; and how many match in all.
    /// </summary>
    Task<(IReadOnlyList<TmfDocument> Page, int Total)> ListAsync(ModuleDbContext db, Caller caller, IReadOnlyList<TmfFilter> filters,
        IReadOnlyList<TmfSort> sorts, int offset, int limit, CancellationToken cancellationToken);
}
