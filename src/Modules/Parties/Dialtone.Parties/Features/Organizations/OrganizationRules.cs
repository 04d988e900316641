using Dialtone.Parties.Domain;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Features.Customers;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Parties.Features.Organizations;

/// <summary>TMF632 Organization: a company. A customer sees the organizations that name them as a related party (e.g. their small business) and may change its contact data.</summary>
internal sealed class OrganizationRules : CustomerDataRules<Organization>
{
    private static readonly IReadOnlySet<string> Writable = new HashSet<string>(StringComparer.Ordinal) { "contactMedium" };

    public override TmfResourceDescriptor Resource => PartyResources.Organization;

    protected override IReadOnlySet<string> SelfServiceWritable => Writable;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(Organization representation, string partyId) => Names(representation.RelatedParty?.Select(p => p.Id), partyId);

    protected override void ApplyResourceDefaults(Organization created, TmfWriteContext context) => created.Status ??= "initialized";

    protected override async Task ValidateResourceAsync(Organization? before, Organization after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(after.TradingName))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'tradingName' is mandatory and cannot be empty.");
        }

        for (var i = 0; i < (after.RelatedParty?.Count ?? 0); i++)
        {
            var related = after.RelatedParty![i];
            if (before?.RelatedParty?.Any(p => p.Id == related.Id) != true)
            {
                (related.Href, related.ReferredType) = await PartyReferences.ResolveAsync($"relatedParty[{i}]", related.Id, related.ReferredType, context, cancellationToken);
            }
        }

        ContactData.Normalise(after.ContactMedium?.Select(m => (Domain.Representation.Customers.IMediumCharacteristic?)m.Characteristic), "contactMedium");
    }

    public override async Task EnsureDeletableAsync(Organization current, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (await context.IsReferencedAsync(PartyResources.Customer, "engagedParty.id", current.Id!, cancellationToken))
        {
            throw TmfProblemException.Conflict("STILL_REFERENCED", $"Organization '{current.Id}' is still the engaged party of a customer; delete or change that customer first.");
        }
    }
}
