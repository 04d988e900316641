using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §7: a report settles its reservation; usage beyond the grant is rated, never dropped; buckets never go below zero.</summary>
public sealed class UsageSettlement
{
    [Theory]
    [InlineData("less than granted", 3, 3, 7)]
    [InlineData("all of the grant", 5, 5, 5)]
    [InlineData("nothing", 0, 0, 10)]
    public void UsedUnitsAreDebitedAndTheRestOfTheGrantReleased(string rule, long usedMb, long debitedMb, long availableMb)
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 10 * MB));
        wallet.Reserve("r1", Data, 5 * MB);

        var settlement = wallet.Commit("r1", Data, usedMb * MB).Accounted();

        var plan = wallet.Bucket("plan");
        Assert.True((debitedMb * MB, 0L, availableMb * MB) == (plan.Used, plan.Held, plan.Available), rule);
        Assert.Equal((true, 5 * MB, 0L), (settlement.WasReserved, settlement.Granted, settlement.BeyondGrant));
        Assert.Empty(wallet.Reservations);
    }

    public static TheoryData<string, Func<Wallet>, long, string, decimal, decimal, long> BeyondTheGrant => new()
    {
        // rule, account, used (MB) after a 5 MB request, debits, charged, uncovered, unpriced (MB)
        { "free allowance first", () => Prepaid(0m, Plan("plan", amount: 10 * MB)), 7, "plan:7000000", 0m, 0m, 0 },
        { "then prepaid credit", () => Prepaid(1m, Plan("plan", amount: 10 * MB, used: 8 * MB)), 6, "plan:2000000", 0.02m, 0m, 0 },
        { "credit that cannot pay becomes debt", () => Prepaid(0.01m, Plan("plan", amount: 10 * MB, used: 8 * MB)), 6, "plan:2000000", 0.02m, 0.01m, 0 },
        { "postpaid is billed beyond its credit limit", () => Postpaid(0.01m, PayAsYouGo), 4, "", 0.02m, 0.01m, 0 },
        { "postpaid without a limit", () => Postpaid(null, PayAsYouGo), 9, "", 0.045m, 0m, 0 },
        { "no price records the units unpriced", () => Postpaid(null, new Tariff(Eur, [Calls]), Plan("plan", amount: 10 * MB, used: 9 * MB)), 3, "plan:1000000", 0m, 0m, 2 },
    };

    [Theory, MemberData(nameof(BeyondTheGrant))]
    public void UsageBeyondTheGrantIsRatedLikeAnyOther(string rule, Func<Wallet> account, long usedMb, string debits, decimal charged, decimal uncovered, long unpricedMb)
    {
        var wallet = account();
        var grant = wallet.Reserve("r1", Data, 5 * MB);

        var settlement = wallet.Commit("r1", Data, usedMb * MB).Accounted();

        Assert.True(debits == settlement.Debits.Describe(), $"{rule}: {settlement.Debits.Describe()}");
        Assert.Equal((charged, uncovered), (settlement.Charge?.Amount ?? 0m, settlement.Charge?.Uncovered ?? 0m));
        Assert.Equal(unpricedMb * MB, settlement.Unpriced);
        Assert.Equal(Math.Max(0, usedMb * MB - grant.Granted), settlement.BeyondGrant);
        Assert.All(wallet.Buckets, bucket => Assert.InRange(bucket.Used + bucket.Held, 0, bucket.Amount ?? long.MaxValue));
        Assert.Equal(0m, wallet.Money.Held);
    }

    [Fact]
    public void PrepaidCreditNeverGoesBelowZeroAndTheRestIsDebt()
    {
        var wallet = Prepaid(0.01m, Plan("plan", amount: 10 * MB, used: 8 * MB));
        wallet.Reserve("r1", Data, 5 * MB);

        wallet.Commit("r1", Data, 6 * MB);

        Assert.Equal((0m, 0.01m), (wallet.Money.Credit, wallet.Money.Debt));
    }

    [Fact]
    public void OverageDoesNotTakeMoneyOtherReservationsHold()
    {
        var wallet = Prepaid(0.01m);
        wallet.Reserve("a1", Data, 2 * MB, session: "a");

        var settlement = wallet.Commit("b1", Data, 1 * MB, session: "b");

        Assert.Equal(0.005m, settlement.Charge!.Uncovered);
        Assert.Equal((0.01m, 0.01m, 0.005m), (wallet.Money.Credit, wallet.Money.Held, wallet.Money.Debt));
    }

    [Theory]
    [InlineData("within its validity", 50, true)]
    [InlineData("within the grace after its validity", 80, true)]
    [InlineData("after it expired", 90, false)]
    public void AReportIsRatedWhetherItsReservationIsStillOpenOrNot(string rule, int secondsLater, bool wasReserved)
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 10 * MB));
        wallet.Reserve("r1", Data, 5 * MB, validity: TimeSpan.FromMinutes(1));

        var settlement = wallet.Commit("r1", Data, 3 * MB, T0.AddSeconds(secondsLater)).Accounted();

        Assert.True(wasReserved == settlement.WasReserved, rule);
        Assert.Equal((3 * MB, 0L), (wallet.Bucket("plan").Used, wallet.Bucket("plan").Held));
    }

    [Fact]
    public void AReportForAnotherSessionsReservationIsRefused()
    {
        var wallet = Prepaid(0m, Plan("plan"));
        wallet.Reserve("r1", Data, 5 * MB, session: "a");

        Assert.Throws<InvalidOperationException>(() => wallet.Commit("r1", Data, MB, session: "b"));
        Assert.Equal((0L, 5 * MB), (wallet.Bucket("plan").Used, wallet.Bucket("plan").Held));
    }
}
