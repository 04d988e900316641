using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §3: allowances are debited exactly; money per started unit of measure, per session and rating group.</summary>
public sealed class UsageRounding
{
    public static TheoryData<string, RatedService, long[], long[], decimal> Sessions => new()
    {
        { "one octet starts a MB", Data, [1], [1], 0.005m },
        { "a MB exactly is one MB", Data, [MB], [1], 0.005m },
        { "1.5 MB twice in a session is 3 MB, not 4", Data, [1_500_000, 1_500_000], [2, 1], 0.015m },
        { "the carry covers a small report", Data, [1_500_000, 400_000, 200_000], [2, 0, 1], 0.015m },
        { "a 7-minute call reported three times is 7 started minutes", Voice, [200, 200, 20], [4, 3, 0], 0.63m },
        { "a 61-second call is 2 minutes", Voice, [61], [2], 0.18m },
        { "SMS per event", Sms, [1, 2], [1, 2], 0.27m },
    };

    [Theory, MemberData(nameof(Sessions))]
    public void MoneyIsChargedPerStartedUnitOverTheWholeSession(string rule, RatedService service, long[] reports, long[] startedUnits, decimal total)
    {
        var wallet = Prepaid(100m);

        var charges = reports.Select((units, i) => wallet.Commit($"r{i}", service, units).Accounted().Charge!).ToList();

        Assert.True(startedUnits.SequenceEqual(charges.Select(charge => charge.PriceUnits)), rule);
        Assert.Equal(total, charges.Sum(charge => charge.Amount));
        Assert.Equal(100m - total, wallet.Money.Credit);
    }

    [Fact]
    public void EachSessionStartsItsOwnUnit()
    {
        var wallet = Prepaid(100m);

        var first = wallet.Commit("a1", Data, 1, session: "a").Charge!;
        var second = wallet.Commit("b1", Data, 1, session: "b").Charge!;

        Assert.Equal((1, 1), (first.PriceUnits, second.PriceUnits));
        Assert.Equal(MB - 1, wallet.Carry("a", Data.RatingGroup));
    }

    [Fact]
    public void AllowancesAreDebitedToTheOctetWithoutRounding()
    {
        var wallet = Prepaid(100m, Plan("plan", amount: 10 * MB));

        var settlement = wallet.Commit("r1", Data, 1_234_567).Accounted();

        Assert.Equal(1_234_567, wallet.Bucket("plan").Used);
        Assert.Null(settlement.Charge);
        Assert.Equal(100m, wallet.Money.Credit);
    }

    [Fact]
    public void OnlyThePartBeyondAllowancesIsRoundedAndItsRestCarried()
    {
        var wallet = Prepaid(100m, Plan("plan", amount: 10 * MB, used: 9_500_000));

        var settlement = wallet.Commit("r1", Data, 2 * MB).Accounted();

        Assert.Equal("plan:500000", settlement.Debits.Describe());
        Assert.Equal((1_500_000, 2, 0.01m), (settlement.Charge!.Units, settlement.Charge.PriceUnits, settlement.Charge.Amount));
        Assert.Equal(500_000, wallet.Carry("s1", Data.RatingGroup));
    }

    [Theory]
    [InlineData("the session closed", false)]
    [InlineData("the bill cycle ended", true)]
    public void ACarryEndsWithItsSessionOrTheCycle(string rule, bool cycleEnds)
    {
        var wallet = Prepaid(100m);
        wallet.Commit("r1", Data, 1);
        var later = cycleEnds ? CycleEnd : T0.AddMinutes(1);
        if (!cycleEnds)
        {
            wallet.CloseSession("s1", later);
        }

        var next = wallet.Commit("r2", Data, 1, later).Charge!;

        Assert.True(next.PriceUnits == 1, rule);
    }

    [Fact]
    public void AReservationPaysWithTheCarryFirstAndBuysWholeUnits()
    {
        var wallet = Prepaid(100m);
        wallet.Commit("r1", Data, 1_500_000);

        var grant = wallet.Reserve("r2", Data, 2 * MB);

        Assert.Equal(new MoneyHold(DataPrice.Id, 2 * MB, 2, 0.01m), grant.FromMoney);
        Assert.Equal(0.01m, wallet.Money.Held);
    }
}
