using Dialtone.Legacy.Import;

namespace Dialtone.Legacy.Tests.Import;

public sealed class LegacyValueTranslation
{
    [Theory]
    [InlineData("+491701234567", "+491701234567")]
    [InlineData("+49 170 1234567", "+491701234567")]
    [InlineData("0049 171 9188159", "+491719188159")]
    [InlineData("00491608140103", "+491608140103")]
    [InlineData("491607237941", "+491607237941")]
    [InlineData("4915195585182", "+4915195585182")]
    [InlineData("01702455050", "+491702455050")]
    [InlineData("0170 1234567", "+491701234567")]
    [InlineData("0176-2970431", "+491762970431")]
    [InlineData("(0151) 82132692", "+4915182132692")]
    [InlineData("0151/82132692", "+4915182132692")]
    [InlineData(" +49 (0)170 1234567", "+491701234567")]
    [InlineData("030/1234567", "+49301234567")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    [InlineData("12345", null)]
    [InlineData("0170 12a4567", null)]
    [InlineData("+0170", null)]
    public void NormalisesGermanNumbersToE164(string? raw, string? expected) => Assert.Equal(expected, LegacyValues.E164(raw));

    [Theory]
    [InlineData("+491701234567", true)]
    [InlineData("+4915182132692", true)]
    [InlineData("+49301234567", false)]
    [InlineData("+353861234567", false)]
    public void KnowsAGermanMobileNumber(string e164, bool mobile) => Assert.Equal(mobile, LegacyValues.IsGermanMobile(e164));

    [Theory]
    [InlineData("Anna.Schmidt@Example.COM", "anna.schmidt@example.com", false)]
    [InlineData("  anna@example.org  ", "anna@example.org", false)]
    [InlineData("anna.example.com", null, true)]
    [InlineData("anna@@example.com", null, true)]
    [InlineData("anna@", null, true)]
    [InlineData("anna@example", null, true)]
    [InlineData("an na@example.com", null, true)]
    [InlineData("", null, false)]
    [InlineData("   ", null, false)]
    [InlineData(null, null, false)]
    public void TrimsLowerCasesAndValidatesEmails(string? raw, string? expected, bool invalid)
    {
        var outcome = LegacyValues.Email(raw);
        Assert.Equal(expected, outcome.Email);
        Assert.Equal(invalid, outcome.Invalid);
    }

    [Theory]
    [InlineData("Hauptstraße 12, 10115 Berlin", "Hauptstraße 12", "10115", "Berlin")]
    [InlineData("Lindenstraße 118 a\n20119 Hamburg", "Lindenstraße 118 a", "20119", "Hamburg")]
    [InlineData("Ringstraße 14\r\n28214 Bremen", "Ringstraße 14", "28214", "Bremen")]
    [InlineData("24167 Kiel, Schillerstraße 126 a", "Schillerstraße 126 a", "24167", "Kiel")]
    [InlineData("Schulstr.120, 50703 Köln", "Schulstraße 120", "50703", "Köln")]
    [InlineData("Hauptstr. 7, 50703 Köln", "Hauptstraße 7", "50703", "Köln")]
    [InlineData("Hauptstraße 171, D-28254 Bremen", "Hauptstraße 171", "28254", "Bremen")]
    [InlineData("WALDSTRAßE 65 40213 DÜSSELDORF", "Waldstraße 65", "40213", "Düsseldorf")]
    [InlineData("GARTENSTRAßE 47, 70184 STUTTGART", "Gartenstraße 47", "70184", "Stuttgart")]
    [InlineData("Friedrich-Ebert-Straße 151, 10187 Berlin", "Friedrich-Ebert-Straße 151", "10187", "Berlin")]
    [InlineData("Poststraße 4, 79102 Freiburg im Breisgau", "Poststraße 4", "79102", "Freiburg im Breisgau")]
    public void ParsesGermanAddressesIntoStreetPostcodeAndCity(string raw, string street, string postCode, string city)
    {
        var address = LegacyValues.Address(raw)!;
        Assert.True(address.IsStructured);
        Assert.Equal((street, postCode, city, "DE"), (address.Street, address.PostCode, address.City, address.Country));
    }

    [Theory]
    [InlineData("Postfach 37 78, 20137 Hamburg")]
    [InlineData("Hinterhof links, Berlin")]
    [InlineData("irgendwo 5")]
    public void KeepsAnUnparseableAddressAsFreeText(string raw)
    {
        var address = LegacyValues.Address(raw)!;
        Assert.False(address.IsStructured);
        Assert.Equal(raw, address.FreeText);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void HasNoAddressForAMissingOne(string? raw) => Assert.Null(LegacyValues.Address(raw));

    [Theory]
    [InlineData("A", "Active")]
    [InlineData("a", "Active")]
    [InlineData("A ", "Active")]
    [InlineData("ACT", "Active")]
    [InlineData("S", "Suspended")]
    [InlineData("B", "Blocked")]
    [InlineData("P", "Prospect")]
    [InlineData("T", "Terminated")]
    [InlineData("X", "Erased")]
    [InlineData("Q", null)]
    [InlineData(null, null)]
    public void MapsLegacyCustomerStatusCodes(string? code, string? expected) => Assert.Equal(expected, LegacyValues.CustomerStatusOf(code)?.ToString());

    [Theory]
    [InlineData("10", "active")]
    [InlineData("20", "suspended")]
    [InlineData("30", "suspended")]
    [InlineData("90", "terminated")]
    [InlineData("99", "terminated")]
    [InlineData("11", null)]
    public void MapsLegacySubscriptionStatusCodes(string code, string? expected) => Assert.Equal(expected, LegacyValues.LineStatusOf(code));

    [Theory]
    [InlineData("Jana.Wolf@Example.com", "J***@Example.com")]
    [InlineData("jana.example.com", "j*** (no valid domain)")]
    [InlineData("", "(empty)")]
    public void MasksEmailsForTheErrorReport(string raw, string masked) => Assert.Equal(masked, LegacyValues.MaskEmail(raw));

    [Fact]
    public void NeverShowsAFullPhoneNumberInTheErrorReport() => Assert.Equal("…67 (11 digits)", LegacyValues.MaskPhone("0170 1234567"));
}
