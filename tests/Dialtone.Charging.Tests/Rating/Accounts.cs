namespace Dialtone.Charging.Tests.Rating;

/// <summary>The demo catalog's services and prices (ADR 0006), and wallets built from them, for the rating tables.</summary>
internal static class Accounts
{
    public const long MB = 1_000_000;
    public const long GB = 1_000_000_000;
    public const string Eur = "EUR";

    /// <summary>Mid-cycle for an account whose cycle day is the 1st: the cycle ends on 2026-12-01.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 15, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset CycleEnd = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static readonly RatedService Data = new(10, UsageUnit.Octet);
    public static readonly RatedService EuData = new(11, UsageUnit.Octet, Zones.Eu);
    public static readonly RatedService Voice = new(20, UsageUnit.Second);
    public static readonly RatedService WorldVoice = new(20, UsageUnit.Second, "World");
    public static readonly RatedService Sms = new(30, UsageUnit.Event);

    public static UsagePrice DataPrice => UsagePrice.Flat("prepaid-data", [10, 11], Eur, 0.005m, UnitOfMeasure.Parse("1 MB"));
    public static UsagePrice Calls => UsagePrice.Flat("calls", [20], Eur, 0.09m, UnitOfMeasure.Parse("60 s"));
    public static UsagePrice Texts => UsagePrice.Flat("sms", [30], Eur, 0.09m, UnitOfMeasure.Parse("1 SMS"));

    /// <summary>"Business data, tiered per MB": 4 EUR/GB for the first 10 GB, 2 EUR/GB up to 50 GB, then 1 EUR/GB.</summary>
    public static UsagePrice BusinessData => new("business-data", [10, 11], Eur, UnitOfMeasure.Parse("1 MB"),
        [new PriceTier(0, 10_000, 0.004m), new PriceTier(10_000, 50_000, 0.002m), new PriceTier(50_000, null, 0.001m)]);

    public static Tariff PayAsYouGo => new(Eur, [DataPrice, Calls, Texts]);

    public static Bucket AddOn(string id, long? amount = 5 * GB, DateTimeOffset? expiresAt = null, int priority = 0, string zone = Zones.Eu) =>
        Allowance(id, BucketKind.AddOn, amount, ResetPeriod.None, expiresAt: expiresAt, priority: priority, zone: zone);

    public static Bucket Plan(string id, long? amount = 10 * GB, long used = 0, bool rollover = false, ResetPeriod reset = ResetPeriod.BillingCycle, int priority = 0) =>
        Allowance(id, BucketKind.Plan, amount, reset, used, rollover, priority: priority);

    public static Bucket Pool(string id, long? amount = 100 * GB, long used = 0) => Allowance(id, BucketKind.SharedPool, amount, ResetPeriod.BillingCycle, used);

    public static Bucket Allowance(string id, BucketKind kind, long? amount, ResetPeriod reset, long used = 0, bool rollover = false,
        DateTimeOffset? expiresAt = null, int priority = 0, string zone = Zones.Home, RatedService? service = null, bool rolledOver = false) => new()
    {
        Id = id,
        Kind = kind,
        Unit = (service ?? Data).Unit,
        Amount = amount,
        RatingGroups = [(service ?? Data).RatingGroup],
        Zone = zone,
        Reset = reset,
        Rollover = rollover,
        Priority = priority,
        ExpiresAt = expiresAt,
        RolledOver = rolledOver,
        Used = used,
    };

    public static Wallet Prepaid(decimal credit, params Bucket[] buckets) =>
        new(1, MonetaryBalance.Prepaid(Eur, credit), PayAsYouGo, buckets, T0);

    public static Wallet Postpaid(decimal? creditLimit, Tariff tariff, params Bucket[] buckets) =>
        new(1, MonetaryBalance.Postpaid(Eur, creditLimit), tariff, buckets, T0);

    public static Grant Reserve(this Wallet wallet, string id, RatedService service, long units, DateTimeOffset? at = null,
        string session = "s1", TimeSpan? validity = null) =>
        wallet.Reserve(new ReserveRequest(id, session, service, units, validity ?? Hour, at ?? T0));

    public static Settlement Commit(this Wallet wallet, string id, RatedService service, long units, DateTimeOffset? at = null, string session = "s1") =>
        wallet.Commit(new UsageReport(id, session, service, units, at ?? T0));

    public static Bucket Bucket(this Wallet wallet, string id) => wallet.Find(id) ?? throw new KeyNotFoundException(id);

    /// <summary>The invariant every report keeps: units debited from buckets, rated with money and unpriced add up to the units reported.</summary>
    public static Settlement Accounted(this Settlement settlement)
    {
        Assert.Equal(settlement.Used, settlement.Debits.Sum(debit => debit.Units) + (settlement.Charge?.Units ?? 0) + settlement.Unpriced);
        return settlement;
    }

    public static string Describe(this IEnumerable<BucketTake> takes) => string.Join(" ", takes.Select(take => $"{take.BucketId}:{take.Units}"));
}
