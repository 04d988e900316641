namespace Dialtone.LegacySim.Tests;

[Collection(LegacySimCollection.Name)]
public sealed class CustomerPaging(LegacySimFixture fixture)
{
    [Fact]
    public async Task ACursorWalksEveryCustomerExactlyOnce()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var answer = await legacy.CallAsync("ListCustomers", ("Cursor", cursor), ("PageSize", 137));
            answer.EnsureNoFault();
            var customers = answer.Content.Element(LegacyClient.Crm + "Customers")!.Elements(LegacyClient.Crm + "Customer").ToList();
            Assert.All(customers, c => Assert.NotNull(c.Field("Version")));
            seen.AddRange(customers.Select(c => c.Field("CustomerId")!));
            cursor = answer.Text("NextCursor");
            pages++;
        }
        while (cursor.Length > 0);

        Assert.Equal(LegacySimFixture.Customers, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal((LegacySimFixture.Customers / 137) + 1, pages);
    }

    [Fact]
    public async Task APageCarriesAccountsAndSubscriptions()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var answer = await legacy.CallAsync("ListCustomers", ("PageSize", 50));
        var customers = answer.Content.Descendants(LegacyClient.Crm + "Customer").ToList();

        Assert.Equal(50, customers.Count);
        Assert.All(customers, c => Assert.NotEmpty(c.Accounts()));
        Assert.Contains(customers, c => c.Subscriptions().Any(s => s.Field("Msisdn") is { Length: > 0 } && s.Field("PlanCode") is { Length: > 0 }));
        var one = await legacy.CustomerAsync(customers[7].Field("CustomerId")!);
        Assert.Equal(customers[7].ToString(), one.ToString());
    }

    [Fact]
    public async Task ACursorNotGivenOutAndAnOversizedPageAreClientFaults()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);

        var badCursor = await legacy.CallAsync("ListCustomers", ("Cursor", "not-a-cursor"));
        var tooLarge = await legacy.CallAsync("ListCustomers", ("PageSize", 501));

        Assert.Equal("E1006 INVALID_CURSOR", badCursor.LegacyError);
        Assert.Equal("E1003 INVALID_FIELD", tooLarge.LegacyError);
        Assert.Equal("soap:Client", tooLarge.FaultCode);
    }
}
