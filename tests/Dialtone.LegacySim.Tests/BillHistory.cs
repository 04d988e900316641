namespace Dialtone.LegacySim.Tests;

[Collection(LegacySimCollection.Name)]
public sealed class BillHistory(LegacySimFixture fixture)
{
    [Fact]
    public async Task AnAccountsBillsComeNewestFirst()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var account = (await legacy.CustomerAsync("C00000002")).Accounts().First().Field("AccountId");

        var answer = await legacy.CallAsync("GetBillHistory", ("AccountId", account));

        answer.EnsureNoFault();
        var bills = answer.Content.Descendants(LegacyClient.Crm + "Bill").ToList();
        Assert.NotEmpty(bills);
        Assert.Equal(bills.Select(b => b.Field("BillDate")).OrderDescending(StringComparer.Ordinal), bills.Select(b => b.Field("BillDate")));
        Assert.All(bills, b =>
        {
            Assert.Equal("EUR", b.Field("Currency"));
            Assert.True(decimal.Parse(b.Field("Amount")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Contains(b.Field("Status"), new[] { "PAID", "OPEN", "OVRD" });
        });
    }

    [Fact]
    public async Task AnUnknownAccountIsRecordNotFound()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);

        var answer = await legacy.CallAsync("GetBillHistory", ("AccountId", "A99999999"));

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("E1010 RECORD_NOT_FOUND", answer.LegacyError);
    }
}
