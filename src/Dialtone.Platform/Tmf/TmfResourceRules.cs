using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Platform.Tmf;

/// <summary>What a rule needs to know about the write it judges.</summary>
public sealed record TmfWriteContext(ModuleDbContext Db, Caller Caller, string BaseUrl, DateTimeOffset Now)
{
    /// <summary>The party an agent acts for, recorded in the audit log.</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>Loads another resource of the same module, or null.</summary>
    public async Task<T?> FindAsync<T>(TmfResourceDescriptor resource, string id, CancellationToken cancellationToken)
        where T : class
    {
        var document = await Db.Documents.OfResource(resource).FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        return document is null ? null : TmfRepresentation.FromStored<T>(document);
    }

    /// <summary>
    /// The next human-readable number of a resource (<c>C-1000234</c>): one more than the highest stored at <paramref name="path"/>.
    /// Unique because a module's writes are serialised (see <see cref="SerializedWrites"/>); seven digits after the prefix,
    /// starting at <paramref name="first"/>.
    /// </summary>
    public async Task<string> NextNumberAsync(TmfResourceDescriptor resource, string path, string prefix, long first, CancellationToken cancellationToken)
    {
        var highest = await Db.SearchEntries
            .Where(e => e.ResourceType == resource.Resource && e.Path == path && e.Text != null && e.Text.StartsWith(prefix))
            .MaxAsync(e => e.Text, cancellationToken);
        var next = highest is not null && long.TryParse(highest.AsSpan(prefix.Length), out var number) ? number + 1 : first;
        return prefix + next.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether any resource of a kind names <paramref name="id"/> at <paramref name="path"/> (a declared attribute).</summary>
    public Task<bool> IsReferencedAsync(TmfResourceDescriptor by, string path, string id, CancellationToken cancellationToken) =>
        Db.SearchEntries.AnyAsync(e => e.ResourceType == by.Resource && e.Path == path && e.Text == id, cancellationToken);
}

/// <summary>
/// The behaviour of one TMF resource that the platform's generic create/read/update/delete pipeline asks for:
/// its server-side defaults, its rules on every write, what blocks a delete, and who sees what.
/// </summary>
public interface ITmfResourceRules<TRepresentation>
    where TRepresentation : class
{
    TmfResourceDescriptor Resource { get; }

    /// <summary>Fills what the server decides when a resource is created (lifecycle status, version...).</summary>
    void ApplyDefaults(TRepresentation created, TmfWriteContext context);

    /// <summary>Judges a create (<paramref name="before"/> null) or an update; throws <see cref="TmfProblemException"/> to refuse.</summary>
    Task ValidateAsync(TRepresentation? before, TRepresentation after, TmfWriteContext context, CancellationToken cancellationToken);

    /// <summary>Throws a 409 when something still refers to the resource.</summary>
    Task EnsureDeletableAsync(TRepresentation current, TmfWriteContext context, CancellationToken cancellationToken);

    /// <summary>Narrows a list to what the caller may see, in the database.</summary>
    IQueryable<TmfDocument> VisibleTo(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, Caller caller, DateTimeOffset now);

    /// <summary>Whether the caller may see this one resource (the same rule as <see cref="VisibleTo"/>).</summary>
    bool IsVisibleTo(TRepresentation representation, TmfDocument stored, Caller caller, DateTimeOffset now);

    /// <summary>Top-level attributes this caller may neither read nor filter on (e.g. references to what they may not see).</summary>
    IReadOnlySet<string> HiddenAttributes(Caller caller);

    /// <summary>Whether the resource holds personal data whose every change, and every read by someone other than its owner, goes to the audit log.</summary>
    bool AuditsAccess => false;

    /// <summary>
    /// Whether a list answer may be served from the read cache: only when what a caller sees depends on the caller and the
    /// stored data alone, not on the time (the catalog's validity periods do; customer data does not).
    /// </summary>
    bool ListsMayBeCached => false;
}

/// <summary>
/// What creating a resource causes besides the resource and its create event, staged in the same transaction: rows of
/// the module's own (number reservations, a process) and messages on the same outbox (the work the resource starts).
/// </summary>
public interface ITmfCreateEffects<TDb, TRepresentation>
    where TDb : ModuleDbContext
    where TRepresentation : class
{
    Task OnCreatedAsync(TRepresentation created, TmfDocument document, TmfWriteContext context, IDbContextOutbox<TDb> outbox, CancellationToken cancellationToken);
}
