using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0011 §4: 4 decimal places while charging, 2 on invoices, half away from zero.</summary>
public sealed class MoneyRounding
{
    [Theory]
    [InlineData("0.00015", "0.0002")]
    [InlineData("0.00025", "0.0003")] // banker's rounding would give 0.0002
    [InlineData("-0.00025", "-0.0003")]
    [InlineData("1.23444", "1.2344")]
    [InlineData("0.123456", "0.1235")]
    [InlineData("0.005", "0.005")]
    public void ChargesAreKeptToFourPlacesHalfAwayFromZero(string amount, string rounded) =>
        Assert.Equal(decimal.Parse(rounded, System.Globalization.CultureInfo.InvariantCulture), Money.Round(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("0.125", "0.13")] // banker's rounding would give 0.12
    [InlineData("0.135", "0.14")]
    [InlineData("2.345", "2.35")]
    [InlineData("0.0049", "0")]
    [InlineData("12.3450", "12.35")]
    public void InvoiceLinesAreRoundedToCentsHalfAwayFromZero(string amount, string rounded) =>
        Assert.Equal(decimal.Parse(rounded, System.Globalization.CultureInfo.InvariantCulture), Money.RoundForInvoice(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("0.00005", "1 kB", 3_000, "0.0002")]
    [InlineData("0.00005", "1 kB", 5_000, "0.0003")]
    [InlineData("0.00005", "1 kB", 4_001, "0.0003")]
    [InlineData("0.005", "1 MB", 3 * MB, "0.015")]
    [InlineData("0.09", "60 s", 3_600, "5.4")]
    public void AReportIsChargedOnceRoundedOverAllItsUnits(string price, string per, long used, string amount)
    {
        var perUnit = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture);
        var unit = UnitOfMeasure.Parse(per);
        var tariff = new Tariff(Eur, [UsagePrice.Flat("p", [unit.Unit == UsageUnit.Octet ? 10 : 20], Eur, perUnit, unit)]);
        var wallet = Postpaid(null, tariff);

        var charge = wallet.Commit("r1", unit.Unit == UsageUnit.Octet ? Data : Voice, used).Accounted().Charge!;

        Assert.Equal(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), charge.Amount);
        Assert.Equal(charge.Amount, wallet.Money.Unbilled);
    }

    [Fact]
    public void APriceInAnotherCurrencyIsRefused() =>
        Assert.Throws<ArgumentException>(() => new Tariff(Eur, [UsagePrice.Flat("usd", [10], "USD", 0.01m, UnitOfMeasure.Parse("1 MB"))]));

    [Fact]
    public void TwoPricesForOneRatingGroupAreRefused() =>
        Assert.Throws<ArgumentException>(() => new Tariff(Eur, [DataPrice, BusinessData]));
}
