using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §8: releases, session ends and expiries free what reservations hold and debit nothing.</summary>
public sealed class ReservationRelease
{
    [Fact]
    public void AReleaseFreesTheHoldsAndDebitsNothing()
    {
        var wallet = Prepaid(1m, Plan("plan", amount: 10 * MB, used: 8 * MB));
        wallet.Reserve("r1", Data, 5 * MB);

        Assert.True(wallet.Release("r1", T0.AddSeconds(10)));

        var plan = wallet.Bucket("plan");
        Assert.Equal((8 * MB, 0L), (plan.Used, plan.Held));
        Assert.Equal((1m, 0m, 0m), (wallet.Money.Credit, wallet.Money.Held, wallet.Money.Debt));
        Assert.Empty(wallet.Reservations);
    }

    [Fact]
    public void ReleasingAnUnknownOrSettledReservationDoesNothing()
    {
        var wallet = Prepaid(1m, Plan("plan", amount: 10 * MB));
        wallet.Reserve("r1", Data, 5 * MB);
        wallet.Commit("r1", Data, 2 * MB);

        Assert.False(wallet.Release("r1", T0));
        Assert.False(wallet.Release("never", T0));
        Assert.Equal((2 * MB, 0L), (wallet.Bucket("plan").Used, wallet.Bucket("plan").Held));
    }

    [Fact]
    public void ClosingASessionReleasesItsReservationsAndEndsItsCarries()
    {
        var wallet = Prepaid(10m, Plan("plan", amount: 10 * MB));
        wallet.Commit("v0", Voice, 10, session: "a");
        wallet.Reserve("d1", Data, 3 * MB, session: "a");
        wallet.Reserve("v1", Voice, 120, session: "a");
        wallet.Reserve("d2", Data, 2 * MB, session: "b");

        var released = wallet.CloseSession("a", T0.AddMinutes(1));

        Assert.Equal(["d1", "v1"], released);
        Assert.Equal(["d2"], wallet.Reservations.Select(r => r.Id));
        Assert.Equal(2 * MB, wallet.Bucket("plan").Held);
        Assert.Equal((0L, 0m), (wallet.Carry("a", Voice.RatingGroup), wallet.Money.Held));
    }

    [Theory]
    [InlineData("still valid", 59, false)]
    [InlineData("validity over, within the grace", 89, false)]
    [InlineData("validity and grace over", 90, true)]
    public void AReservationExpiresItsGraceAfterItsValidity(string rule, int secondsLater, bool expired)
    {
        var wallet = Prepaid(1m, Plan("plan", amount: 10 * MB, used: 8 * MB));
        wallet.Reserve("r1", Data, 5 * MB, validity: TimeSpan.FromMinutes(1));

        var elapsed = wallet.Advance(T0.AddSeconds(secondsLater));

        Assert.True(expired == elapsed.ExpiredReservations.Contains("r1"), rule);
        Assert.Equal(expired ? 0 : 2 * MB, wallet.Bucket("plan").Held);
        Assert.Equal(expired ? 0m : 0.015m, wallet.Money.Held);
        Assert.Equal(8 * MB, wallet.Bucket("plan").Used);
    }
}
