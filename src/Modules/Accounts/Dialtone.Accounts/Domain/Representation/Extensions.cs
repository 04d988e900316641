using System.Text.Json.Serialization;

namespace Dialtone.Accounts.Domain.Representation;

/// <summary>The accounts that carry a human-readable number; Dialtone's extension of TMF666.</summary>
public interface INumberedAccount
{
    /// <summary>The account's number (<c>A-2000871</c>), assigned by Dialtone; searchable.</summary>
    string? AccountNumber { get; set; }

    string? Name { get; set; }

    string? State { get; set; }

    List<RelatedParty>? RelatedParty { get; set; }

    FinancialAccountRef? FinancialAccount { get; set; }
}

public sealed partial class BillingAccount : INumberedAccount
{
    /// <summary>The account's number (<c>A-2000871</c>), assigned by Dialtone; searchable.</summary>
    [JsonPropertyName("accountNumber")]
    public string? AccountNumber { get; set; }
}

public sealed partial class PartyAccount : INumberedAccount
{
    /// <summary>The account's number (<c>P-3000012</c>), assigned by Dialtone; searchable.</summary>
    [JsonPropertyName("accountNumber")]
    public string? AccountNumber { get; set; }
}

public sealed partial class FinancialAccount : INumberedAccount
{
    /// <summary>The account's number (<c>F-4000007</c>), assigned by Dialtone; searchable.</summary>
    [JsonPropertyName("accountNumber")]
    public string? AccountNumber { get; set; }

    FinancialAccountRef? INumberedAccount.FinancialAccount { get => null; set { } }
}
