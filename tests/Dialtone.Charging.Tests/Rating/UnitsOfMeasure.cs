using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>ADR 0006 and 0011 §3: the catalog's unit-of-measure text, in the units buckets count.</summary>
public sealed class UnitsOfMeasure
{
    [Theory]
    [InlineData("1 MB", MB, UsageUnit.Octet)]
    [InlineData("1 kB", 1_000, UsageUnit.Octet)]
    [InlineData("1 GB", GB, UsageUnit.Octet)]
    [InlineData("0.5 MB", 500_000, UsageUnit.Octet)]
    [InlineData("1 octet", 1, UsageUnit.Octet)]
    [InlineData("60 s", 60, UsageUnit.Second)]
    [InlineData("1 min", 60, UsageUnit.Second)]
    [InlineData("1 SMS", 1, UsageUnit.Event)]
    [InlineData(" 1  SMS ", 1, UsageUnit.Event)]
    public void TheCatalogTextReadsAsSizeAndUnit(string text, long size, UsageUnit unit) =>
        Assert.Equal(new UnitOfMeasure(size, unit), UnitOfMeasure.Parse(text));

    [Theory]
    [InlineData("MB")]
    [InlineData("1 Mb")]
    [InlineData("one MB")]
    [InlineData("-1 MB")]
    [InlineData("0 MB")]
    [InlineData("0.0001 kB")]
    [InlineData("1.5 s")]
    public void TextThatIsNotAWholeNumberOfAKnownUnitIsRefused(string text) =>
        Assert.Throws<FormatException>(() => UnitOfMeasure.Parse(text));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(MB - 1, 1)]
    [InlineData(MB, 1)]
    [InlineData(MB + 1, 2)]
    [InlineData(7 * MB, 7)]
    public void AStartedUnitCountsWhole(long octets, long started) =>
        Assert.Equal(started, UnitOfMeasure.Parse("1 MB").StartedBy(octets));
}
