using Dialtone.Accounts.Domain;
using Dialtone.Accounts.Domain.Representation;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Accounts.Features.ReferenceData;

/// <summary>Billing cycles and bill presentation media: reference data every account holder may read and only admins change.</summary>
internal abstract class ReferenceDataRules<T> : ITmfResourceRules<T>
    where T : class
{
    private static readonly IReadOnlySet<string> NothingHidden = new HashSet<string>();

    public abstract TmfResourceDescriptor Resource { get; }

    protected abstract string? NameOf(T representation);

    public void ApplyDefaults(T created, TmfWriteContext context)
    {
    }

    public Task ValidateAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(NameOf(after))
            ? throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'name' is mandatory and cannot be empty.")
            : Task.CompletedTask;

    public Task EnsureDeletableAsync(T current, TmfWriteContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    public IQueryable<TmfDocument> VisibleTo(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, Caller caller, DateTimeOffset now) => documents;

    public bool IsVisibleTo(T representation, TmfDocument stored, Caller caller, DateTimeOffset now) => true;

    public IReadOnlySet<string> HiddenAttributes(Caller caller) => NothingHidden;
}

internal sealed class BillingCycleSpecificationRules : ReferenceDataRules<BillingCycleSpecification>
{
    public override TmfResourceDescriptor Resource => AccountResources.BillingCycleSpecification;

    protected override string? NameOf(BillingCycleSpecification representation) => representation.Name;
}

internal sealed class BillPresentationMediaRules : ReferenceDataRules<BillPresentationMedia>
{
    public override TmfResourceDescriptor Resource => AccountResources.BillPresentationMedia;

    protected override string? NameOf(BillPresentationMedia representation) => representation.Name;
}
