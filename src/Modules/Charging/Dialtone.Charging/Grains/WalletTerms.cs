using Dialtone.Charging.Rating;

namespace Dialtone.Charging.Grains;

/// <summary>Turns an account's terms (from the catalog and inventory) into the rating engine's buckets, prices and money.</summary>
internal static class WalletTerms
{
    public static Wallet Open(AccountTerms terms, IEnumerable<AllowanceTerms> allowances, DateTimeOffset now)
    {
        var money = terms.Prepaid
            ? MonetaryBalance.Prepaid(terms.Currency, terms.StartingCredit)
            : MonetaryBalance.Postpaid(terms.Currency, terms.CreditLimit);
        return new Wallet(terms.CycleDay, money, TariffOf(terms), allowances.Select(BucketOf), now);
    }

    public static Tariff TariffOf(AccountTerms terms) =>
        new(terms.Currency, terms.Prices.Select(price => new UsagePrice(price.Id, price.RatingGroups, price.Currency,
            UnitOfMeasure.Parse(price.UnitOfMeasure), [.. price.Tiers.Select(tier => new PriceTier(tier.From, tier.To, tier.Amount))])));

    public static Bucket BucketOf(AllowanceTerms allowance) => new()
    {
        Id = allowance.BucketId,
        Kind = allowance.Kind switch
        {
            "addOn" => BucketKind.AddOn,
            "sharedPool" => BucketKind.SharedPool,
            _ => BucketKind.Plan,
        },
        Unit = UnitOf(allowance.Unit),
        Amount = allowance.Amount,
        RatingGroups = allowance.RatingGroups,
        Zone = allowance.Zone,
        Reset = allowance.ResetPeriod switch
        {
            "none" => ResetPeriod.None,
            "month" => ResetPeriod.Month,
            "week" => ResetPeriod.Week,
            "day" => ResetPeriod.Day,
            _ => ResetPeriod.BillingCycle,
        },
        Rollover = allowance.Rollover,
        Priority = allowance.Priority,
        ExpiresAt = allowance.ExpiresAt,
    };

    public static UsageUnit UnitOf(string unit) => unit switch
    {
        "second" => UsageUnit.Second,
        "event" => UsageUnit.Event,
        _ => UsageUnit.Octet,
    };

    public static string NameOf(UsageUnit unit) => unit switch
    {
        UsageUnit.Second => "second",
        UsageUnit.Event => "event",
        _ => "octet",
    };

    public static string NameOf(BucketKind kind) => kind switch
    {
        BucketKind.AddOn => "addOn",
        BucketKind.SharedPool => "sharedPool",
        _ => "plan",
    };
}
