using System.Text.RegularExpressions;

namespace Dialtone.LegacySim.Data;

/// <summary>The legacy system's code tables (README, "Codes"), as its writes check them.</summary>
internal static partial class LegacyCodes
{
    /// <summary>Customer status: active, suspended, terminated, prospect, blocked (fraud), erased.</summary>
    public static readonly IReadOnlySet<string> CustomerStatuses = new HashSet<string>(StringComparer.Ordinal) { "A", "S", "T", "P", "B", "X" };

    /// <summary>Subscription status: active, barred, suspended, cancelled, ported out.</summary>
    public static readonly IReadOnlySet<string> SubscriptionStatuses = new HashSet<string>(StringComparer.Ordinal) { "10", "20", "30", "90", "99" };

    /// <summary>Plan codes from three generations of tariffs.</summary>
    public static readonly string[] PlanCodes = ["PLN-S10", "PLN-M25", "PLN-L50", "OLD_UNLTD", "TAR2009X", "PP_BASIC", "BIZ-PRO", "DATA-ONLY-5"];

    public static readonly int[] PlanWeights = [25, 25, 10, 8, 7, 15, 6, 4];

    public static decimal MonthlyPrice(string planCode) => planCode switch
    {
        "PLN-S10" => 9.99m,
        "PLN-M25" => 24.99m,
        "PLN-L50" => 49.99m,
        "OLD_UNLTD" => 59.00m,
        "TAR2009X" => 19.95m,
        "PP_BASIC" => 0m,
        "BIZ-PRO" => 39.00m,
        _ => 5.00m,
    };

    /// <summary>Whether the subscription can still change plan (not cancelled or ported out).</summary>
    public static bool IsLive(string subscriptionStatus) => subscriptionStatus is not ("90" or "99");

    public static bool LooksLikeEmail(string value) => Email().IsMatch(value);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();
}
