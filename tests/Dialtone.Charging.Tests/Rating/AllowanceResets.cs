using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §10: bill cycles and resets at 00:00 UTC, rollover, and what crosses a reset.</summary>
public sealed class AllowanceResets
{
    [Theory]
    [InlineData("2026-11-15T12:00:00Z", 1, "2026-12-01T00:00:00Z")]
    [InlineData("2026-11-15T12:00:00Z", 15, "2026-12-15T00:00:00Z")]
    [InlineData("2026-11-15T00:00:00Z", 15, "2026-12-15T00:00:00Z")]
    [InlineData("2026-11-14T23:59:59Z", 15, "2026-11-15T00:00:00Z")]
    [InlineData("2026-12-31T12:00:00Z", 1, "2027-01-01T00:00:00Z")]
    [InlineData("2026-04-15T00:00:00Z", 31, "2026-04-30T00:00:00Z")]
    [InlineData("2027-01-31T00:00:00Z", 31, "2027-02-28T00:00:00Z")]
    [InlineData("2028-01-31T00:00:00Z", 31, "2028-02-29T00:00:00Z")]
    [InlineData("2028-02-29T00:00:00Z", 31, "2028-03-31T00:00:00Z")]
    [InlineData("2028-02-29T00:00:00Z", 30, "2028-03-30T00:00:00Z")]
    [InlineData("2026-11-30T23:30:00-02:00", 1, "2027-01-01T00:00:00Z")]
    [InlineData("2026-12-01T00:30:00+02:00", 1, "2026-12-01T00:00:00Z")]
    public void TheBillCycleTurnsAtMidnightUtcOnTheCycleDayOrTheMonthsLastDay(string after, int cycleDay, string next) =>
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture),
            ResetSchedule.NextCycleStart(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture), cycleDay));

    [Theory]
    [InlineData(ResetPeriod.Month, "2026-11-15T12:00:00Z", "2026-12-01T00:00:00Z")]
    [InlineData(ResetPeriod.Week, "2026-11-15T12:00:00Z", "2026-11-16T00:00:00Z")]
    [InlineData(ResetPeriod.Week, "2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z")]
    [InlineData(ResetPeriod.Day, "2026-11-15T12:00:00Z", "2026-11-16T00:00:00Z")]
    [InlineData(ResetPeriod.Day, "2028-02-28T23:59:59Z", "2028-02-29T00:00:00Z")]
    [InlineData(ResetPeriod.BillingCycle, "2026-11-15T12:00:00Z", "2026-11-20T00:00:00Z")]
    [InlineData(ResetPeriod.None, "2026-11-15T12:00:00Z", null)]
    public void AllowancesResetPerTheirPeriod(ResetPeriod period, string after, string? next) =>
        Assert.Equal(next is null ? null : DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture),
            ResetSchedule.Next(period, DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture), cycleDay: 20));

    [Fact]
    public void AResetReturnsUsedUnitsToZero()
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 10 * MB, used: 6 * MB));

        var elapsed = wallet.Advance(CycleEnd);

        Assert.Equal(["plan"], elapsed.ResetBuckets);
        Assert.Equal((0L, 10 * MB), (wallet.Bucket("plan").Used, wallet.Bucket("plan").Available));
        Assert.Equal(CycleEnd.AddMonths(1), wallet.Bucket("plan").NextReset);
        Assert.Single(wallet.Buckets);
    }

    [Fact]
    public void UnusedUnitsRollOverOnceAndAreUsedFirst()
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 10 * MB, used: 6 * MB, rollover: true));

        wallet.Advance(CycleEnd);
        var rolled = wallet.Buckets.Single(bucket => bucket.RolledOver);
        var settlement = wallet.Commit("r1", Data, 5 * MB, CycleEnd.AddDays(1));

        Assert.Equal((4 * MB, CycleEnd.AddMonths(1), BucketKind.Plan), (rolled.Amount, rolled.ExpiresAt, rolled.Kind));
        Assert.Equal($"{rolled.Id}:4000000 plan:1000000", settlement.Debits.Describe());

        wallet.Advance(CycleEnd.AddMonths(1));
        var next = wallet.Buckets.Single(bucket => bucket.RolledOver);
        Assert.NotEqual(rolled.Id, next.Id);
        Assert.Equal((9 * MB, 2), (next.Amount, wallet.Buckets.Count));
    }

    [Fact]
    public void WithoutRolloverNothingCarriesOver()
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 10 * MB, used: 6 * MB));

        wallet.Advance(CycleEnd.AddMonths(2));

        Assert.Equal(["plan"], wallet.Buckets.Select(bucket => bucket.Id));
    }

    [Fact]
    public void AReservationOpenAcrossAResetKeepsItsHoldAndIsRatedInTheNewPeriod()
    {
        var beforeReset = CycleEnd.AddSeconds(-10);
        var wallet = Prepaid(0m, Plan("plan", amount: 10 * MB, used: 9 * MB));
        var grant = wallet.Reserve("r1", Data, 1 * MB, beforeReset, validity: Hour);

        Assert.Equal(CycleEnd, grant.ValidUntil);
        wallet.Advance(CycleEnd.AddSeconds(5));
        Assert.Equal((0L, 1 * MB), (wallet.Bucket("plan").Used, wallet.Bucket("plan").Held));

        var settlement = wallet.Commit("r1", Data, 1 * MB, CycleEnd.AddSeconds(10));

        Assert.True(settlement.WasReserved);
        Assert.Equal((1 * MB, 0L), (wallet.Bucket("plan").Used, wallet.Bucket("plan").Held));
    }

    [Fact]
    public void AnExpiredOneOffBucketGoesWithItsHolds()
    {
        var expiry = T0.AddMinutes(10);
        var wallet = Prepaid(1m, AddOn("boost", amount: 5 * MB, expiresAt: expiry), Plan("plan", amount: 10 * MB));
        wallet.Reserve("r1", Data, 3 * MB, validity: Hour);

        var elapsed = wallet.Advance(expiry);
        var settlement = wallet.Commit("r1", Data, 3 * MB, expiry.AddSeconds(10));

        Assert.Equal(["boost"], elapsed.ExpiredBuckets);
        Assert.Equal("plan:3000000", settlement.Debits.Describe());
        Assert.Equal(0L, wallet.Bucket("plan").Held);
    }

    [Fact]
    public void TheBillCycleRestartsPostpaidUnbilledUsageButNotPrepaidDebt()
    {
        var postpaid = Postpaid(null, PayAsYouGo);
        var prepaid = Prepaid(0m);
        postpaid.Commit("r1", Data, 10 * MB);
        prepaid.Commit("r1", Data, 10 * MB);

        Assert.True(postpaid.Advance(CycleEnd).CycleEnded);
        prepaid.Advance(CycleEnd);

        Assert.Equal((0m, CycleEnd.AddMonths(1)), (postpaid.Money.Unbilled, postpaid.CycleEnd));
        Assert.Equal(0.05m, prepaid.Money.Debt);
    }
}
