using Dialtone.Parties.Domain;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Features.Customers;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Parties.Features.Individuals;

/// <summary>TMF632 Individual: a person. A customer sees and edits only their own; names and contact data are theirs to change.</summary>
internal sealed class IndividualRules : CustomerDataRules<Individual>
{
    public const string Initialized = "initialized";

    private static readonly IReadOnlySet<string> Writable = new HashSet<string>(StringComparer.Ordinal)
    {
        "givenName", "familyName", "middleName", "formattedName", "fullName", "preferredGivenName", "title", "aristocraticTitle",
        "familyNamePrefix", "generation", "legalName", "otherName", "birthDate", "gender", "maritalStatus", "nationality",
        "countryOfBirth", "placeOfBirth", "location", "contactMedium", "languageAbility", "partyCharacteristic", "disability", "skill",
    };

    public override TmfResourceDescriptor Resource => PartyResources.Individual;

    protected override IReadOnlySet<string> SelfServiceWritable => Writable;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        documents.Where(d => d.Id == partyId);

    protected override bool IsOwnedBy(Individual representation, string partyId) => representation.Id == partyId;

    protected override void ApplyResourceDefaults(Individual created, TmfWriteContext context) => created.Status ??= Initialized;

    protected override Task ValidateResourceAsync(Individual? before, Individual after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(after.GivenName) || string.IsNullOrWhiteSpace(after.FamilyName))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'givenName' and 'familyName' are mandatory and cannot be empty.");
        }

        if (before is null || before.GivenName != after.GivenName || before.FamilyName != after.FamilyName)
        {
            // The formatted name follows the names unless the caller set one explicitly in the same write.
            if (before is null ? string.IsNullOrWhiteSpace(after.FormattedName) : after.FormattedName == before.FormattedName)
            {
                after.FormattedName = $"{after.GivenName!.Trim()} {after.FamilyName!.Trim()}";
            }
        }

        ContactData.Normalise(after.ContactMedium?.Select(m => (Domain.Representation.Customers.IMediumCharacteristic?)m.Characteristic), "contactMedium");
        return Task.CompletedTask;
    }

    public override async Task EnsureDeletableAsync(Individual current, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (await context.IsReferencedAsync(PartyResources.Customer, "engagedParty.id", current.Id!, cancellationToken))
        {
            throw TmfProblemException.Conflict("STILL_REFERENCED", $"Individual '{current.Id}' is still the engaged party of a customer; delete or change that customer first.");
        }
    }
}
