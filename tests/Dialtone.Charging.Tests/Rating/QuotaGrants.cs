using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §6: what a request for quota is granted, from where, until when, and when it is the last.</summary>
public sealed class QuotaGrants
{
    public static TheoryData<string, Func<Wallet>, long, long, bool, GrantOutcome> Grants => new()
    {
        { "fits in the plan", () => Prepaid(0m, Plan("plan")), 1 * GB, 1 * GB, false, GrantOutcome.Granted },
        { "what is left when the plan runs low", () => Prepaid(0m, Plan("plan", amount: 10 * MB, used: 9 * MB)), 5 * MB, 1 * MB, true, GrantOutcome.Granted },
        { "the last units exactly", () => Prepaid(0m, Plan("plan", amount: 10 * MB, used: 5 * MB)), 5 * MB, 5 * MB, true, GrantOutcome.Granted },
        { "credit pays beyond the plan", () => Prepaid(10m, Plan("plan", amount: 10 * MB, used: 9 * MB)), 3 * MB, 3 * MB, false, GrantOutcome.Granted },
        { "credit buys whole MBs only", () => Prepaid(0.012m), 5 * MB, 2 * MB, true, GrantOutcome.Granted },
        { "a started MB for one octet", () => Prepaid(0.005m), 1, 1, false, GrantOutcome.Granted },
        { "nothing left", () => Prepaid(0m, Plan("plan", amount: 10 * MB, used: 10 * MB)), 1 * MB, 0, true, GrantOutcome.Exhausted },
        { "no credit and no allowance", () => Prepaid(0m), 1 * MB, 0, true, GrantOutcome.Exhausted },
        { "an unlimited allowance", () => Prepaid(0m, Plan("plan", amount: null)), 50 * GB, 50 * GB, false, GrantOutcome.Granted },
        { "postpaid without a credit limit", () => Postpaid(null, PayAsYouGo), 50 * GB, 50 * GB, false, GrantOutcome.Granted },
        { "postpaid up to its credit limit", () => Postpaid(0.01m, PayAsYouGo), 5 * MB, 2 * MB, true, GrantOutcome.Granted },
        { "postpaid without a price for the service", () => Postpaid(null, new Tariff(Eur, [Calls]), Plan("plan", amount: 10 * MB, used: 9 * MB)), 5 * MB, 1 * MB, true, GrantOutcome.Granted },
        { "a service the account has neither allowance nor price for", () => Postpaid(null, new Tariff(Eur, [Calls])), 1 * MB, 0, true, GrantOutcome.NotOffered },
    };

    [Theory, MemberData(nameof(Grants))]
    public void AGrantIsWhatIsLeftUpToWhatWasAskedWithTheFinalUnitWhenNothingMoreIs(
        string rule, Func<Wallet> account, long requested, long granted, bool finalUnit, GrantOutcome outcome)
    {
        var grant = account().Reserve("r1", Data, requested);

        Assert.True((granted, finalUnit, outcome) == (grant.Granted, grant.FinalUnit, grant.Outcome), $"{rule}: {grant}");
        Assert.Equal(requested, grant.Requested);
    }

    [Fact]
    public void AGrantHoldsWhatItTakesAndMoneyInWholeUnits()
    {
        var wallet = Prepaid(10m, Plan("plan", amount: 10 * MB, used: 9 * MB));

        var grant = wallet.Reserve("r1", Data, 2_500_000);

        Assert.Equal("plan:1000000", grant.FromBuckets.Describe());
        Assert.Equal(new MoneyHold(DataPrice.Id, 1_500_000, 2, 0.01m), grant.FromMoney);
        Assert.Equal((1 * MB, 0L), (wallet.Bucket("plan").Held, wallet.Bucket("plan").Available));
        Assert.Equal((10m, 0.01m, 9.99m), (wallet.Money.Credit, wallet.Money.Held, wallet.Money.Spendable));
    }

    [Fact]
    public void GrantsNeverExceedWhatIsAvailableTogether()
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 10 * MB));

        var first = wallet.Reserve("a1", Data, 6 * MB, session: "a");
        var second = wallet.Reserve("b1", Data, 6 * MB, session: "b");
        var third = wallet.Reserve("c1", Data, 6 * MB, session: "c");

        Assert.Equal((6 * MB, false), (first.Granted, first.FinalUnit));
        Assert.Equal((4 * MB, true), (second.Granted, second.FinalUnit));
        Assert.Equal((0L, GrantOutcome.Exhausted), (third.Granted, third.Outcome));
        Assert.Equal(10 * MB, wallet.Bucket("plan").Held);
        Assert.Equal(["a1", "b1"], wallet.Reservations.Select(r => r.Id));
    }

    [Fact]
    public void ReservingAgainWithAnOpenIdReturnsTheFirstGrantAndHoldsOnce()
    {
        var wallet = Prepaid(1m, Plan("plan", amount: 10 * MB, used: 9 * MB));
        var first = wallet.Reserve("r1", Data, 3 * MB);

        var again = wallet.Reserve("r1", Data, 3 * MB, T0.AddSeconds(5));

        Assert.Same(first, again);
        Assert.Equal((1 * MB, 0.01m), (wallet.Bucket("plan").Held, wallet.Money.Held));
    }

    [Fact]
    public void AnOpenIdReusedForAnotherRequestIsRefused()
    {
        var wallet = Prepaid(1m);
        wallet.Reserve("r1", Data, 3 * MB);

        Assert.Throws<InvalidOperationException>(() => wallet.Reserve("r1", Data, 4 * MB));
        Assert.Equal(0.015m, wallet.Money.Held);
    }

    [Fact]
    public void ASessionHoldsOneReservationPerRatingGroup()
    {
        var wallet = Prepaid(1m);
        wallet.Reserve("r1", Data, 1 * MB);

        Assert.Throws<InvalidOperationException>(() => wallet.Reserve("r2", Data, 1 * MB));
        Assert.Equal(60, wallet.Reserve("v1", Voice, 60).Granted);
        Assert.Equal(["r1", "v1"], wallet.Reservations.Select(r => r.Id));
    }

    [Fact]
    public void AZeroGrantHoldsNothingAndIsNotKept()
    {
        var wallet = Prepaid(0m);

        wallet.Reserve("r1", Data, 1 * MB);

        Assert.Empty(wallet.Reservations);
        Assert.Equal(0m, wallet.Money.Held);
    }

    public static TheoryData<string, Func<Wallet>, TimeSpan, DateTimeOffset> Validities => new()
    {
        { "the requested validity", () => Prepaid(0m, Plan("plan")), Hour, T0 + Hour },
        { "cut at the plan's reset", () => Prepaid(0m, Plan("plan")), TimeSpan.FromDays(30), CycleEnd },
        { "cut at a daily reset", () => Prepaid(0m, Plan("daily", reset: ResetPeriod.Day)), TimeSpan.FromDays(1), new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero) },
        { "cut at an add-on's expiry", () => Prepaid(0m, AddOn("boost", expiresAt: T0.AddMinutes(10))), Hour, T0.AddMinutes(10) },
        { "cut at the cycle's end when money pays", () => Prepaid(10m), TimeSpan.FromDays(30), CycleEnd },
        { "a one-off bucket that never expires does not cut it", () => Prepaid(0m, AddOn("boost")), TimeSpan.FromDays(30), T0.AddDays(30) },
    };

    [Theory, MemberData(nameof(Validities))]
    public void AGrantIsNeverValidPastAResetOrExpiryOfWhatItHolds(string rule, Func<Wallet> account, TimeSpan validity, DateTimeOffset validUntil)
    {
        var grant = account().Reserve("r1", Data, 1 * MB, validity: validity);

        Assert.True(validUntil == grant.ValidUntil, $"{rule}: {grant.ValidUntil:O}");
    }
}
