using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §1–2: which buckets serve a service, and in which order they pay.</summary>
public sealed class BucketConsumption
{
    public static TheoryData<string, Bucket[], string[]> Orders => new()
    {
        { "an add-on before the plan", [Plan("plan"), AddOn("boost")], ["boost", "plan"] },
        { "the plan before the shared pool", [Pool("family"), Plan("plan")], ["plan", "family"] },
        { "add-on, plan, pool", [Pool("family"), Plan("plan"), AddOn("boost")], ["boost", "plan", "family"] },
        { "the catalog's priority does not beat the kind", [Plan("plan", priority: 10), AddOn("boost", priority: 30)], ["boost", "plan"] },
        { "earliest expiry first", [AddOn("late", expiresAt: T0.AddDays(20)), AddOn("soon", expiresAt: T0.AddDays(3))], ["soon", "late"] },
        { "no expiry last", [AddOn("kept"), AddOn("month", expiresAt: T0.AddDays(30))], ["month", "kept"] },
        { "a refilling bucket expires at its reset", [Plan("monthly"), Plan("weekly", reset: ResetPeriod.Week)], ["weekly", "monthly"] },
        { "an add-on expiring before the plan's reset still comes first", [Plan("plan"), AddOn("boost", expiresAt: CycleEnd.AddDays(9))], ["boost", "plan"] },
        {
            "rolled-over units before fresh ones expiring together",
            [Plan("plan"), Allowance("plan/rollover", BucketKind.Plan, GB, ResetPeriod.None, expiresAt: CycleEnd, rolledOver: true)],
            ["plan/rollover", "plan"]
        },
        { "then the catalog's priority", [AddOn("b", priority: 2), AddOn("a", priority: 3), AddOn("c", priority: 1)], ["c", "b", "a"] },
        { "then the id", [AddOn("b"), AddOn("a"), AddOn("c")], ["a", "b", "c"] },
    };

    [Theory, MemberData(nameof(Orders))]
    public void BucketsPayByKindThenEarliestExpiry(string rule, Bucket[] buckets, string[] order)
    {
        var wallet = Prepaid(0m, buckets);

        Assert.True(order.SequenceEqual(wallet.ConsumptionOrderOf(Data)), $"{rule}: {string.Join(", ", wallet.ConsumptionOrderOf(Data))}");
    }

    public static TheoryData<string, Bucket[], RatedService, string[]> Serving => new()
    {
        { "an EU allowance serves at home", [Allowance("eu", BucketKind.Plan, GB, ResetPeriod.BillingCycle, zone: Zones.Eu)], Data, ["eu"] },
        { "a home allowance does not serve in the EU", [Allowance("home", BucketKind.Plan, GB, ResetPeriod.BillingCycle, service: EuData)], EuData, [] },
        { "an EU allowance serves in the EU", [Allowance("eu", BucketKind.Plan, GB, ResetPeriod.BillingCycle, zone: Zones.Eu, service: EuData)], EuData, ["eu"] },
        {
            "a World Pass is not spent at home",
            [Allowance("world", BucketKind.AddOn, 3_600, ResetPeriod.None, zone: "World", service: Voice), Allowance("minutes", BucketKind.Plan, 18_000, ResetPeriod.BillingCycle, zone: Zones.Eu, service: Voice)],
            Voice, ["minutes"]
        },
        {
            "a World Pass is spent in the World, where the EU minutes do not serve",
            [Allowance("world", BucketKind.AddOn, 3_600, ResetPeriod.None, zone: "World", service: Voice), Allowance("minutes", BucketKind.Plan, 18_000, ResetPeriod.BillingCycle, zone: Zones.Eu, service: Voice)],
            WorldVoice, ["world"]
        },
        { "another rating group does not serve", [Allowance("sms", BucketKind.Plan, 100, ResetPeriod.BillingCycle, service: Sms)], Data, [] },
        { "another unit does not serve", [Allowance("odd", BucketKind.Plan, 100, ResetPeriod.BillingCycle, service: new RatedService(10, UsageUnit.Second))], Data, [] },
    };

    [Theory, MemberData(nameof(Serving))]
    public void ABucketServesItsRatingGroupsUnitAndZone(string rule, Bucket[] buckets, RatedService service, string[] serving) =>
        Assert.True(serving.SequenceEqual(Prepaid(0m, buckets).ConsumptionOrderOf(service)), rule);

    [Theory]
    [InlineData(3 * GB, "boost:3000000000", "boost:3000000000")]
    [InlineData(7 * GB, "boost:5000000000 plan:2000000000", "boost:5000000000 plan:2000000000")]
    [InlineData(20 * GB, "boost:5000000000 plan:10000000000 family:5000000000", "boost:5000000000 plan:10000000000 family:5000000000")]
    public void AGrantAndItsReportTakeFromTheBucketsInThatOrder(long units, string held, string debited)
    {
        var wallet = Prepaid(0m, Pool("family"), Plan("plan"), AddOn("boost"));

        Assert.Equal(held, wallet.Reserve("r1", Data, units).FromBuckets.Describe());
        Assert.Equal(debited, wallet.Commit("r1", Data, units).Accounted().Debits.Describe());
    }
}
