using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Catalog.Domain;

/// <summary>The rules every catalog resource shares: lifecycle values and moves, validity periods, references that must exist.</summary>
internal abstract class CatalogRules<T> : ITmfResourceRules<T>
    where T : class, ICatalogEntity
{
    public abstract TmfResourceDescriptor Resource { get; }

    public virtual void ApplyDefaults(T created, TmfWriteContext context)
    {
        created.LifecycleStatus ??= LifecycleStatus.InStudy;
        created.Version ??= "1.0";
    }

    public async Task ValidateAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(after.Name))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'name' is mandatory and cannot be empty.");
        }

        if (before is null)
        {
            LifecycleStatus.EnsureKnown(after.LifecycleStatus);
        }
        else
        {
            LifecycleStatus.EnsureTransition(before.LifecycleStatus, after.LifecycleStatus);
        }

        if (after.ValidFor is { StartDateTime: { } start, EndDateTime: { } end } && end <= start)
        {
            throw TmfProblemException.BadRequest("INVALID_VALIDITY", "'validFor.endDateTime' must be after 'validFor.startDateTime'.");
        }

        await ValidateResourceAsync(before, after, context, cancellationToken);
    }

    public virtual Task EnsureDeletableAsync(T current, TmfWriteContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual IQueryable<TmfDocument> VisibleTo(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, Caller caller, DateTimeOffset now) => documents;

    public virtual bool IsVisibleTo(T representation, TmfDocument stored, Caller caller, DateTimeOffset now) => true;

    public virtual IReadOnlySet<string> HiddenAttributes(Caller caller) => NothingHidden;

    protected static readonly IReadOnlySet<string> NothingHidden = new HashSet<string>();

    protected abstract Task ValidateResourceAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken);

    /// <summary>Checks that a reference names an existing resource and fills its <c>href</c> (and <c>name</c> when absent).</summary>
    protected static async Task<TTarget> ResolveAsync<TTarget>(TmfResourceDescriptor target, string attribute, string? id, TmfWriteContext context, CancellationToken cancellationToken)
        where TTarget : class, ICatalogEntity
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", $"'{attribute}.id' is mandatory.");
        }

        return await context.FindAsync<TTarget>(target, id, cancellationToken)
               ?? throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'{attribute}' names {target.TypeName} '{id}', which does not exist.");
    }

    protected static async Task EnsureNotReferencedAsync(TmfResourceDescriptor by, string path, string id, string what, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (await context.IsReferencedAsync(by, path, id, cancellationToken))
        {
            throw TmfProblemException.Conflict("STILL_REFERENCED", $"{what} '{id}' is still referenced by a {by.TypeName} ({path}); remove that reference first.");
        }
    }

    protected static bool IsProductManager(Caller caller) =>
        caller.IsInRole(DialtoneRoles.ProductManager) || caller.IsInRole(DialtoneRoles.Admin);
}
