using System.Text.Json.Serialization;

namespace Dialtone.Catalog.Contracts;

/// <summary>
/// One allowance of a plan or add-on, as charging and billing read it from the catalog: the value of a product
/// specification characteristic whose <c>valueType</c> is <see cref="AllowanceDefinition.ValueType"/>.
/// Volumes count octets (1 MB = 10^6 octets), voice counts seconds, SMS and other events count events.
/// See docs/decisions/0006-allowances-usage-prices-tiers-and-discounts.md.
/// </summary>
/// <param name="Unit">What is counted: <c>octet</c>, <c>second</c> or <c>event</c>.</param>
/// <param name="Amount">How many units per reset period; null when <paramref name="Unlimited"/>.</param>
/// <param name="Unlimited">No cap (fair-use policies are outside the catalog).</param>
/// <param name="RatingGroups">The 3GPP rating groups whose usage this allowance serves.</param>
/// <param name="ResetPeriod"><c>billingCycle</c>, <c>month</c>, <c>week</c>, <c>day</c> or <c>none</c> (a one-off bucket).</param>
/// <param name="Rollover">Unused units carry over into the next period (once).</param>
/// <param name="SharedPool">One bucket shared by every line of the account (family plans).</param>
/// <param name="Priority">Lower is consumed first among allowances of one kind and expiry that serve a rating group (ADR 0011 §2).</param>
/// <param name="Zone">Where the allowance applies: <c>home</c>, <c>EU</c> (roam like at home) or a named roaming zone.</param>
public sealed record AllowanceDefinition(
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("amount")] long? Amount,
    [property: JsonPropertyName("unlimited")] bool Unlimited,
    [property: JsonPropertyName("ratingGroups")] IReadOnlyList<int> RatingGroups,
    [property: JsonPropertyName("resetPeriod")] string ResetPeriod,
    [property: JsonPropertyName("rollover")] bool Rollover,
    [property: JsonPropertyName("sharedPool")] bool SharedPool,
    [property: JsonPropertyName("priority")] int Priority,
    [property: JsonPropertyName("zone")] string Zone)
{
    /// <summary>The characteristic <c>valueType</c> that marks an allowance.</summary>
    public const string ValueType = "allowance";

    /// <summary>The units an allowance may count.</summary>
    public static readonly IReadOnlyList<string> Units = ["octet", "second", "event"];

    /// <summary>The periods after which an allowance is refilled.</summary>
    public static readonly IReadOnlyList<string> ResetPeriods = ["billingCycle", "month", "week", "day", "none"];
}

/// <summary>The names of the characteristics the catalog gives meaning to beyond TMF620.</summary>
public static class CatalogCharacteristics
{
    /// <summary>On a usage price (<c>prodSpecCharValueUse</c>): the rating groups the price applies to.</summary>
    public const string RatingGroup = "ratingGroup";

    /// <summary>On a tier of a tiered usage price: the first unit of the tier (inclusive).</summary>
    public const string TierFrom = "tierFrom";

    /// <summary>On a tier of a tiered usage price: the unit where the tier ends (exclusive); absent on the last tier.</summary>
    public const string TierTo = "tierTo";
}
