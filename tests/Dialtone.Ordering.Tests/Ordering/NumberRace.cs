namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>No identifier is ever given to two lines, however orders race.</summary>
public sealed class NumberRace
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ConcurrentOrdersForOneNumberGetItOnce(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var customers = new List<HttpClient>();
        for (var i = 0; i < 8; i++)
        {
            customers.Add((await shop.CustomerAsync()).Client);
        }

        var answers = await Task.WhenAll(customers.Select(async c =>
        {
            using var response = await c.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(Shop.Order(Shop.Add("1", plus, msisdn: "+4915550003333"))));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a =>
        {
            Assert.Equal(HttpStatusCode.Conflict, a.StatusCode);
            Assert.Contains("NUMBER_NOT_AVAILABLE", a.Body);
        });

        // Every line of many concurrent orders gets its own IMSI and ICCID too.
        var placed = await Task.WhenAll(customers.Select(c => c.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus)))));
        var lines = new List<JsonObject>();
        foreach (var (order, client) in placed.Zip(customers))
        {
            var done = await shop.WaitForStateAsync(client, order.Id(), "completed");
            lines.Add(await client.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(done)}"));
        }

        foreach (var identifier in new[] { "msisdn", "imsi", "iccid" })
        {
            Assert.Equal(lines.Count, lines.Select(l => Shop.Characteristic(l, identifier)).Distinct().Count());
        }

        Assert.Empty(shop.Problems);
    }
}
