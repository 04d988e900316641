using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §11: prepaid credit, debt and top-ups; postpaid unbilled usage under a credit limit.</summary>
public sealed class PrepaidAndPostpaid
{
    [Theory]
    [InlineData(0.30, 1.00, 0.30, 0.70, 0.00)]
    [InlineData(2.00, 0.50, 0.50, 0.00, 1.50)]
    [InlineData(0.00, 5.00, 0.00, 5.00, 0.00)]
    public void ATopUpPaysDebtFirst(decimal debt, decimal topUp, decimal debtPaid, decimal credit, decimal debtLeft)
    {
        var wallet = new Wallet(1, new MonetaryBalance { Mode = PaymentMode.Prepaid, Currency = Eur, Debt = debt }, PayAsYouGo, [], T0);

        Assert.Equal(debtPaid, wallet.TopUp(topUp, T0));
        Assert.Equal((credit, debtLeft), (wallet.Money.Credit, wallet.Money.Debt));
    }

    [Fact]
    public void APostpaidBalanceIsNotToppedUp() =>
        Assert.Throws<InvalidOperationException>(() => Postpaid(null, PayAsYouGo).TopUp(1m, T0));

    [Theory]
    [InlineData("prepaid: free credit", PaymentMode.Prepaid, 1.00, null, 0.00, 0.20, 0.80)]
    [InlineData("postpaid: what is left under the limit", PaymentMode.Postpaid, 0.00, 5.00, 3.00, 0.50, 1.50)]
    [InlineData("postpaid: nothing beyond the limit", PaymentMode.Postpaid, 0.00, 5.00, 6.00, 0.00, 0.00)]
    public void WhatAReservationMayHold(string rule, PaymentMode mode, decimal credit, double? limit, decimal unbilled, decimal held, decimal spendable)
    {
        var money = new MonetaryBalance { Mode = mode, Currency = Eur, Credit = credit, CreditLimit = (decimal?)limit, Unbilled = unbilled, Held = held };

        Assert.True(spendable == money.Spendable, $"{rule}: {money.Spendable}");
    }

    [Fact]
    public void PostpaidWithoutALimitHasNoBound() =>
        Assert.Null(MonetaryBalance.Postpaid(Eur, null).Spendable);

    [Fact]
    public void MoneyInAnotherCurrencyThanTheTariffIsRefused() =>
        Assert.Throws<ArgumentException>(() => new Wallet(1, MonetaryBalance.Prepaid("USD", 1m), PayAsYouGo, [], T0));
}
