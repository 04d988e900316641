using System.Text.Json.Nodes;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Platform.Tmf;

/// <summary>
/// Object- and property-level authorization for resources that belong to a customer (parties, customers, accounts):
/// agents and admins see everything; a partner sees what it created; a customer sees what belongs to their party, and
/// any other id answers 404 as if it did not exist; lists are narrowed in the database. A customer may change only the
/// attributes a resource lists as self-service; naming any other attribute is a 400, never a silent drop.
/// </summary>
public abstract class CustomerDataRules<T> : ITmfResourceRules<T>
    where T : class
{
    private static readonly IReadOnlySet<string> NothingHidden = new HashSet<string>();

    public abstract TmfResourceDescriptor Resource { get; }

    /// <summary>Top-level attributes a customer may change on their own resource.</summary>
    protected abstract IReadOnlySet<string> SelfServiceWritable { get; }

    /// <summary>Attributes only the server assigns (numbers, derived names); nobody may set or change them.</summary>
    protected virtual IReadOnlySet<string> ServerAssigned => NothingHidden;

    /// <summary>The resources of <paramref name="partyId"/>, as a database query.</summary>
    protected abstract IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId);

    /// <summary>Whether the resource belongs to <paramref name="partyId"/> (the same rule as <see cref="OwnedBy"/>).</summary>
    protected abstract bool IsOwnedBy(T representation, string partyId);

    /// <summary>Server-side defaults of the resource itself; called after server-assigned attributes were checked absent.</summary>
    protected virtual void ApplyResourceDefaults(T created, TmfWriteContext context)
    {
    }

    /// <summary>The rules of the resource itself (references, values), after the authorization checks.</summary>
    protected abstract Task ValidateResourceAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken);

    public void ApplyDefaults(T created, TmfWriteContext context)
    {
        var given = TmfRepresentation.ToJsonObject(created);
        var assigned = ServerAssigned.FirstOrDefault(given.ContainsKey);
        if (assigned is not null)
        {
            throw TmfProblemException.BadRequest("READ_ONLY_ATTRIBUTE", $"'{assigned}' is assigned by the server and cannot be given.");
        }

        ApplyResourceDefaults(created, context);
    }

    public async Task ValidateAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (before is not null)
        {
            EnsureMayChange(before, after, context.Caller);
        }

        await ValidateResourceAsync(before, after, context, cancellationToken);
    }

    public virtual Task EnsureDeletableAsync(T current, TmfWriteContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    public IQueryable<TmfDocument> VisibleTo(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, Caller caller, DateTimeOffset now)
    {
        if (caller.IsCustomerCare)
        {
            return documents;
        }

        if (caller.IsPartner)
        {
            var owner = caller.OwnerKey;
            return documents.Where(d => d.CreatedBy == owner);
        }

        return caller.IsSelfService ? OwnedBy(documents, entries, caller.PartyId!) : documents.Where(d => false);
    }

    public bool IsVisibleTo(T representation, TmfDocument stored, Caller caller, DateTimeOffset now) =>
        CustomerDataAccess.MayUseAsStaffOrCreator(stored.CreatedBy, caller) || (caller.IsSelfService && IsOwnedBy(representation, caller.PartyId!));

    public virtual IReadOnlySet<string> HiddenAttributes(Caller caller) => NothingHidden;

    /// <summary>Customer data: every change, and every read by care or a partner, is audited.</summary>
    public bool AuditsAccess => true;

    /// <summary>What a caller sees depends on who they are and the stored data only.</summary>
    public bool ListsMayBeCached => true;

    private void EnsureMayChange(T before, T after, Caller caller)
    {
        var changed = TmfRepresentation.ChangedAttributes(TmfRepresentation.ToJsonObject(before), TmfRepresentation.ToJsonObject(after))
            .Where(a => a != Resource.TimestampAttribute)
            .ToList();
        var assigned = changed.FirstOrDefault(ServerAssigned.Contains);
        if (assigned is not null)
        {
            throw TmfProblemException.BadRequest("READ_ONLY_ATTRIBUTE", $"'{assigned}' is assigned by the server and cannot be changed.");
        }

        if (caller.IsCustomerCare || caller.IsPartner)
        {
            return;
        }

        var forbidden = changed.FirstOrDefault(a => !SelfServiceWritable.Contains(a));
        if (forbidden is not null)
        {
            throw TmfProblemException.BadRequest("ATTRIBUTE_NOT_WRITABLE",
                $"'{forbidden}' can only be changed by customer care. A customer may change: {string.Join(", ", SelfServiceWritable.Order(StringComparer.Ordinal))}.");
        }
    }

    /// <summary>Whether a related party list names <paramref name="partyId"/>.</summary>
    protected static bool Names(IEnumerable<string?>? ids, string partyId) => ids?.Any(id => id == partyId) == true;

    /// <summary>The documents whose declared attribute <paramref name="path"/> holds <paramref name="partyId"/>.</summary>
    protected static IQueryable<TmfDocument> WithValue(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string path, string partyId)
    {
        var matching = entries.Where(e => e.Path == path && e.Text == partyId).Select(e => e.DocumentId);
        return documents.Where(d => matching.Contains(d.Id));
    }
}

/// <summary>The staff and partner half of the object-level rule, for references checked outside a resource's own rules.</summary>
public static class CustomerDataAccess
{
    /// <summary>Care may use any record, a partner the records it created (<paramref name="createdBy"/> is the record's <see cref="TmfDocument.CreatedBy"/>).</summary>
    public static bool MayUseAsStaffOrCreator(string? createdBy, Caller caller) =>
        caller.IsCustomerCare || (caller.IsPartner && createdBy == caller.OwnerKey);
}
