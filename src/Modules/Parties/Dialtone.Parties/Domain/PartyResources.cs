using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Domain.Representation.Customers;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Parties.Domain;

/// <summary>
/// The resources of TMF632 Party Management v4 and TMF629 Customer Management v4, and what lists filter on. Names,
/// emails and phone numbers are personal: indexed as keyed hashes, searchable for an exact (normalised) value only.
/// </summary>
internal static class PartyResources
{
    public const string PartyApi = "party";
    public const string CustomerApi = "customerManagement";

    private static readonly TmfAttribute[] ContactAttributes =
    [
        new("contactMedium.characteristic.emailAddress", TmfAttributeKind.Text, Personal: PersonalValueKind.Email),
        new("contactMedium.characteristic.phoneNumber", TmfAttributeKind.Text, Personal: PersonalValueKind.PhoneNumber),
    ];

    public static readonly TmfResourceDescriptor Individual = new(PartyApi, "individual", typeof(Individual),
    [
        new("givenName", TmfAttributeKind.Text, Personal: PersonalValueKind.Name),
        new("familyName", TmfAttributeKind.Text, Personal: PersonalValueKind.Name),
        new("formattedName", TmfAttributeKind.Text, Personal: PersonalValueKind.Name),
        new("status", TmfAttributeKind.Text),
        new("relatedParty.id", TmfAttributeKind.Text),
        // The ids a source system (legacy) knew the person by: how the legacy adapter finds them (ADR 0018).
        new("externalReference.name", TmfAttributeKind.Text),
        .. ContactAttributes,
    ], timestampAttribute: null, statusAttribute: "status");

    public static readonly TmfResourceDescriptor Organization = new(PartyApi, "organization", typeof(Organization),
    [
        new("tradingName", TmfAttributeKind.Text, Sortable: true),
        new("name", TmfAttributeKind.Text, Sortable: true),
        new("status", TmfAttributeKind.Text),
        new("organizationType", TmfAttributeKind.Text),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("organizationIdentification.identificationId", TmfAttributeKind.Text),
        .. ContactAttributes,
    ], timestampAttribute: null, statusAttribute: "status");

    public static readonly TmfResourceDescriptor Customer = new(CustomerApi, "customer", typeof(Customer),
    [
        new("customerNumber", TmfAttributeKind.Text, Sortable: true),
        new("name", TmfAttributeKind.Text, Personal: PersonalValueKind.Name),
        new("status", TmfAttributeKind.Text),
        new("engagedParty.id", TmfAttributeKind.Text),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("account.id", TmfAttributeKind.Text),
        .. ContactAttributes,
    ], timestampAttribute: null, statusAttribute: "status");
}
