using Dialtone.Parties.Domain;
using Dialtone.Parties.Domain.Representation.Customers;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Parties.Features.Customers;

/// <summary>
/// TMF629 Customer: a party's role as our customer, with a number (C-…) assigned on create. A customer sees the customer
/// records whose engaged party is them and may change only their contact data there.
/// </summary>
internal sealed class CustomerRules : CustomerDataRules<Customer>
{
    public const string NumberPrefix = "C-";
    public const string Approved = "Approved";

    private static readonly IReadOnlySet<string> Writable = new HashSet<string>(StringComparer.Ordinal) { "contactMedium" };
    private static readonly IReadOnlySet<string> Assigned = new HashSet<string>(StringComparer.Ordinal) { "customerNumber" };

    public override TmfResourceDescriptor Resource => PartyResources.Customer;

    protected override IReadOnlySet<string> SelfServiceWritable => Writable;

    protected override IReadOnlySet<string> ServerAssigned => Assigned;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "engagedParty.id", partyId);

    protected override bool IsOwnedBy(Customer representation, string partyId) => representation.EngagedParty?.Id == partyId;

    protected override void ApplyResourceDefaults(Customer created, TmfWriteContext context) => created.Status ??= Approved;

    protected override async Task ValidateResourceAsync(Customer? before, Customer after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (after.EngagedParty is null)
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'engagedParty' is mandatory.");
        }

        if (before?.EngagedParty?.Id != after.EngagedParty.Id)
        {
            (after.EngagedParty.Href, after.EngagedParty.ReferredType) =
                await PartyReferences.ResolveAsync("engagedParty", after.EngagedParty.Id, after.EngagedParty.ReferredType, context, cancellationToken);
        }

        if (before is null)
        {
            after.CustomerNumber = await context.NextNumberAsync(Resource, "customerNumber", NumberPrefix, 1_000_000, cancellationToken);
            after.Name ??= after.CustomerNumber;
        }
        else if (string.IsNullOrWhiteSpace(after.Name))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'name' cannot be empty.");
        }

        ContactData.Normalise(after.ContactMedium?.Select(m => (IMediumCharacteristic?)m.Characteristic), "contactMedium");
    }
}
