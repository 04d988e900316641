using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>
/// ADR 0011 §5 with the demo's Business data price (0.004 EUR/MB to 10,000 MB, 0.002 to 50,000, then 0.001): graduated
/// tiers count the units of measure charged at the price on the account in the bill cycle.
/// </summary>
public sealed class TieredPricing
{
    private static readonly Tariff Business = new(Eur, [BusinessData]);

    [Theory]
    [InlineData(0, 1, "0.004")]
    [InlineData(0, 10_000, "40")]
    [InlineData(9_999, 2, "0.006")]
    [InlineData(9_000, 2_000, "6")]
    [InlineData(49_999, 3, "0.004")]
    [InlineData(0, 60_000, "130")]
    [InlineData(60_000, 1, "0.001")]
    public void EachUnitCostsThePriceOfTheTierItFallsIn(long chargedBefore, long usedMb, string amount)
    {
        var wallet = new Wallet(1, MonetaryBalance.Postpaid(Eur, null), Business, [], T0, new Dictionary<string, long> { [BusinessData.Id] = chargedBefore });

        var charge = wallet.Commit("r1", Data, usedMb * MB).Accounted().Charge!;

        Assert.Equal(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), charge.Amount);
        Assert.Equal(chargedBefore + usedMb, wallet.ChargedThisCycle(BusinessData.Id));
    }

    [Fact]
    public void UnitsPaidByAllowancesDoNotCount()
    {
        var wallet = Postpaid(null, Business, Plan("plan", amount: 1_000 * MB));

        wallet.Commit("r1", Data, 1_500 * MB).Accounted();

        Assert.Equal(500, wallet.ChargedThisCycle(BusinessData.Id));
    }

    [Fact]
    public void ReservedUnitsCountOnlyOnceReported()
    {
        var wallet = Postpaid(null, Business);

        wallet.Reserve("r1", Data, 1_000 * MB);
        Assert.Equal(0, wallet.ChargedThisCycle(BusinessData.Id));

        wallet.Commit("r1", Data, 400 * MB);
        Assert.Equal(400, wallet.ChargedThisCycle(BusinessData.Id));
    }

    [Fact]
    public void AReservationIsPricedAfterWhatOtherOpenReservationsHold()
    {
        var wallet = new Wallet(1, MonetaryBalance.Postpaid(Eur, null), Business, [], T0, new Dictionary<string, long> { [BusinessData.Id] = 9_990 });

        var first = wallet.Reserve("a1", Data, 20 * MB, session: "a");
        var second = wallet.Reserve("b1", Data, 10 * MB, session: "b");

        Assert.Equal(0.06m, first.FromMoney!.Amount);
        Assert.Equal(0.02m, second.FromMoney!.Amount);
        Assert.Equal(0.08m, wallet.Money.Held);
    }

    [Fact]
    public void TheCountIsPerAccountAcrossSessions()
    {
        var wallet = Postpaid(null, Business);

        wallet.Commit("a1", Data, 6_000 * MB, session: "a");
        var second = wallet.Commit("b1", Data, 6_000 * MB, session: "b").Charge!;

        Assert.Equal(16m + 4m, second.Amount);
    }

    [Fact]
    public void TheCountStartsAgainWithTheBillCycle()
    {
        var wallet = new Wallet(1, MonetaryBalance.Postpaid(Eur, null), Business, [], T0, new Dictionary<string, long> { [BusinessData.Id] = 20_000 });

        var charge = wallet.Commit("r1", Data, MB, CycleEnd).Charge!;

        Assert.Equal(0.004m, charge.Amount);
        Assert.Equal(1, wallet.ChargedThisCycle(BusinessData.Id));
    }

    [Theory]
    [InlineData(0, 1_000, "1", 250)]
    [InlineData(9_900, 1_000, "1", 400)]
    [InlineData(0, 5, "0.0199", 4)]
    [InlineData(49_990, 100, "0.05", 40)]
    public void ABudgetBuysTheUnitsItCoversAtTheirTiers(long position, long wanted, string budget, long affordable) =>
        Assert.Equal(affordable, BusinessData.Affordable(position, wanted, decimal.Parse(budget, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(1, null)]
    [InlineData(0, 5L)]
    public void TiersStartAtZeroJoinUpAndOnlyTheLastIsOpen(long secondFrom, long? firstTo) =>
        Assert.Throws<ArgumentException>(() => new UsagePrice("p", [10], Eur, UnitOfMeasure.Parse("1 MB"),
            [new PriceTier(0, firstTo, 0.01m), new PriceTier(secondFrom, null, 0.005m)]));
}
