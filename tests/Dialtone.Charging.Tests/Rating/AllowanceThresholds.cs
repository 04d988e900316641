using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §9: 80 % and 100 % of an allowance, on used units, returned by the report that crosses them.</summary>
public sealed class AllowanceThresholds
{
    [Theory]
    [InlineData(0, 79, new int[0])]
    [InlineData(0, 80, new[] { 80 })]
    [InlineData(79, 1, new[] { 80 })]
    [InlineData(80, 10, new int[0])]
    [InlineData(70, 30, new[] { 80, 100 })]
    [InlineData(99, 1, new[] { 100 })]
    [InlineData(70, 50, new[] { 80, 100 })]
    [InlineData(100, 5, new int[0])]
    public void AReportReturnsTheThresholdsItsUsedUnitsCross(long usedBefore, long reported, int[] crossed)
    {
        var wallet = Prepaid(10m, Plan("plan", amount: 100, used: usedBefore));

        var settlement = wallet.Commit("r1", Data, reported).Accounted();

        Assert.Equal(crossed, settlement.Thresholds.Select(t => t.Percent));
        Assert.All(settlement.Thresholds, t => Assert.Equal(("plan", 100L, wallet.Bucket("plan").Used), (t.BucketId, t.Amount, t.Used)));
    }

    [Fact]
    public void ReservedUnitsCrossNothingUntilReported()
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 100));
        wallet.Reserve("r1", Data, 100);

        var released = wallet.Commit("r1", Data, 50).Accounted();
        var used = wallet.Commit("r2", Data, 35).Accounted();

        Assert.Empty(released.Thresholds);
        Assert.Equal([80], used.Thresholds.Select(t => t.Percent));
    }

    [Theory]
    [InlineData("unlimited", null, false)]
    [InlineData("rolled over", 100L, true)]
    public void UnlimitedAndRolledOverUnitsHaveNoThresholds(string rule, long? amount, bool rolledOver)
    {
        var wallet = Prepaid(0m, Allowance("units", BucketKind.Plan, amount, ResetPeriod.None, rolledOver: rolledOver));

        var settlement = wallet.Commit("r1", Data, 100).Accounted();

        Assert.True(settlement.Thresholds.Count == 0 && settlement.Debits.Single().Units == 100, rule);
    }

    [Fact]
    public void EachThresholdIsCrossedOncePerPeriod()
    {
        var wallet = Prepaid(0m, Plan("plan", amount: 100));

        var first = wallet.Commit("r1", Data, 90).Thresholds;
        var again = wallet.Commit("r2", Data, 5, T0.AddHours(1)).Thresholds;
        var nextPeriod = wallet.Commit("r3", Data, 85, CycleEnd.AddHours(1)).Thresholds;

        Assert.Equal([80], first.Select(t => t.Percent));
        Assert.Empty(again);
        Assert.Equal([80], nextPeriod.Select(t => t.Percent));
    }
}
