namespace Dialtone.LegacySim.Tests;

/// <summary>The full export: a CSV with every customer, account and subscription, at a stated watermark.</summary>
[Collection(LegacySimCollection.Name)]
public sealed class CustomerExport(LegacySimFixture fixture)
{
    [Fact]
    public async Task TheStreamedExportHasEveryCustomerAccountAndSubscription()
    {
        var dataset = (await LegacySeeding.DatasetAsync(fixture.Legacy))["dataset"]!;
        using var response = await fixture.Legacy.AdminAsync(HttpMethod.Get, "/admin/export");
        var rows = Csv.Read(await response.Content.ReadAsStringAsync());
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var listed = (await legacy.CallAsync("ListCustomers", ("PageSize", 500))).Content.Descendants(LegacyClient.Crm + "CustomerId").Select(e => e.Value).ToList();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.True(long.Parse(response.Headers.GetValues("X-Legacy-Watermark").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 0);
        var customers = rows.Select(r => r["CUSTOMER_ID"]!).Distinct().ToList();
        Assert.Equal(LegacySimFixture.Customers, customers.Count);
        Assert.Equal(listed, customers.Take(500));
        Assert.Equal(dataset["accounts"]!.GetValue<int>(), rows.Select(r => r["ACCOUNT_ID"]).Distinct().Count());
        Assert.Equal(dataset["subscriptions"]!.GetValue<int>(), rows.Count(r => r["SUBSCRIPTION_ID"] is not null));
        Assert.All(rows, r => Assert.Equal(20, r.Count));
    }

    [Fact]
    public async Task TheExportReadsBackValuesExactlyAndReflectsChanges()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var version = (await legacy.CustomerAsync("C00000301")).Version();
        const string address = "  c/o \"Müller, Erben\"\nHauptstraße 1, 10115 Berlin ";
        (await legacy.CallAsync("UpdateAddress", ("CustomerId", "C00000301"), ("ExpectedVersion", version), ("Address", address))).EnsureNoFault();
        (await legacy.CallAsync("UpdateContact", ("CustomerId", "C00000301"), ("ExpectedVersion", version + 1), ("Email", ""))).EnsureNoFault();

        using var written = await fixture.Legacy.AdminAsync(HttpMethod.Post, "/admin/export");
        var answer = JsonNode.Parse(await written.Content.ReadAsStringAsync())!;
        var rows = Csv.Read(await File.ReadAllTextAsync(answer["file"]!.GetValue<string>()));

        Assert.Equal(LegacySimFixture.Customers, answer["customers"]!.GetValue<int>());
        Assert.Equal(rows.Count, answer["rows"]!.GetValue<int>());
        var row = rows.First(r => r["CUSTOMER_ID"] == "C00000301");
        Assert.Equal(address, row["ADDRESS"]);
        Assert.Null(row["EMAIL"]);
        Assert.Equal((version + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), row["CUSTOMER_VERSION"]);
    }
}
