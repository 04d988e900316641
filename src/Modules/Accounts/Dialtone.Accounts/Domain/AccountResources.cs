using Dialtone.Accounts.Domain.Representation;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Accounts.Domain;

/// <summary>The resources of TMF666 Account Management v4 and what lists filter on.</summary>
internal static class AccountResources
{
    public const string ApiName = "accountManagement";

    private static TmfAttribute[] AccountAttributes =>
    [
        new("accountNumber", TmfAttributeKind.Text, Sortable: true),
        new("name", TmfAttributeKind.Text, Personal: PersonalValueKind.Name),
        new("state", TmfAttributeKind.Text),
        new("accountType", TmfAttributeKind.Text),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("relatedParty.role", TmfAttributeKind.Text),
        new("lastModified", TmfAttributeKind.DateTime, Sortable: true),
    ];

    public static readonly TmfResourceDescriptor BillingAccount = new(ApiName, "billingAccount", typeof(BillingAccount),
        [.. AccountAttributes, new("paymentStatus", TmfAttributeKind.Text), new("financialAccount.id", TmfAttributeKind.Text)],
        timestampAttribute: "lastModified", statusAttribute: "state");

    public static readonly TmfResourceDescriptor PartyAccount = new(ApiName, "partyAccount", typeof(PartyAccount),
        [.. AccountAttributes, new("paymentStatus", TmfAttributeKind.Text), new("financialAccount.id", TmfAttributeKind.Text)],
        timestampAttribute: "lastModified", statusAttribute: "state");

    public static readonly TmfResourceDescriptor FinancialAccount = new(ApiName, "financialAccount", typeof(FinancialAccount),
        AccountAttributes, timestampAttribute: "lastModified", statusAttribute: "state");

    public static readonly TmfResourceDescriptor BillingCycleSpecification = new(ApiName, "billingCycleSpecification", typeof(BillingCycleSpecification),
        [new("name", TmfAttributeKind.Text, Sortable: true), new("frequency", TmfAttributeKind.Text)], timestampAttribute: null);

    public static readonly TmfResourceDescriptor BillPresentationMedia = new(ApiName, "billPresentationMedia", typeof(BillPresentationMedia),
        [new("name", TmfAttributeKind.Text, Sortable: true)], timestampAttribute: null);
}
