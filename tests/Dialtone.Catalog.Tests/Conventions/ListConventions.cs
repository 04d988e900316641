namespace Dialtone.Catalog.Tests.Conventions;

public sealed class ListConventions(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Prices = $"{TmfHttp.Catalog}/productOfferingPrice";
    private const string Offerings = $"{TmfHttp.Catalog}/productOffering";

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task PagesCarryTotalAndResultCountsAnd206WhenPartial(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var tag = CatalogFixtures.Unique("page");
        for (var i = 0; i < 5; i++)
        {
            await CatalogFixtures.MonthlyPriceAsync(pm, 10 + i, $"{tag} {i}");
        }

        using var partial = await pm.GetAsync($"{Prices}?name={Uri.EscapeDataString($"{tag} 0")},{Uri.EscapeDataString($"{tag} 1")},{Uri.EscapeDataString($"{tag} 2")}&limit=2&offset=1&sort=name");
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("3", partial.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal("2", partial.Headers.GetValues("X-Result-Count").Single());
        Assert.Equal([$"{tag} 1", $"{tag} 2"], (await partial.ReadJsonAsync()).AsArray().Select(p => p!["name"]!.GetValue<string>()));

        using var whole = await pm.GetAsync($"{Prices}?name={Uri.EscapeDataString($"{tag} 3")}&name={Uri.EscapeDataString($"{tag} 4")}");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("2", whole.Headers.GetValues("X-Total-Count").Single());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task FiltersCompareNumbersAndDatesAndFollowDottedPathsInTheDatabase(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var tag = CatalogFixtures.Unique("filter");
        var cheap = await CatalogFixtures.MonthlyPriceAsync(pm, 9.99m, $"{tag} cheap");
        var dear = await CatalogFixtures.MonthlyPriceAsync(pm, 49.50m, $"{tag} dear");
        await CatalogFixtures.OfferingAsync(pm, $"{tag} offering", "Launched", new JsonObject
        {
            ["productOfferingPrice"] = new JsonArray(new JsonObject { ["id"] = dear.Id() }),
        });

        var above = await Names(pm, $"{Prices}?price.value.gt=10&name={Uri.EscapeDataString($"{tag} cheap")},{Uri.EscapeDataString($"{tag} dear")}");
        Assert.Equal([$"{tag} dear"], above);
        var atMost = await Names(pm, $"{Prices}?price.value.lte=9.99&name={Uri.EscapeDataString($"{tag} cheap")},{Uri.EscapeDataString($"{tag} dear")}");
        Assert.Equal([$"{tag} cheap"], atMost);

        var byPriceName = await Names(pm, $"{Offerings}?productOfferingPrice.name={Uri.EscapeDataString($"{tag} dear")}");
        Assert.Equal([$"{tag} offering"], byPriceName);

        var recent = await Names(pm, $"{Prices}?lastUpdate.gt=2026-01-01&name={Uri.EscapeDataString($"{tag} cheap")}");
        Assert.Equal([$"{tag} cheap"], recent);
        var future = await Names(pm, $"{Prices}?lastUpdate.gte=2027-01-01&name={Uri.EscapeDataString($"{tag} cheap")}");
        Assert.Empty(future);

        var sorted = await Names(pm, $"{Prices}?sort=-price.value&name={Uri.EscapeDataString($"{tag} cheap")},{Uri.EscapeDataString($"{tag} dear")}");
        Assert.Equal([$"{tag} dear", $"{tag} cheap"], sorted);
        _ = cheap;
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task FieldsSelectAttributesAndKeepIdHrefAndType(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var price = await CatalogFixtures.MonthlyPriceAsync(pm, 5m, CatalogFixtures.Unique("fields"));
        var selected = (await (await pm.GetAsync($"{Prices}?fields=name&id={price.Id()}")).ReadJsonAsync()).AsArray().Single()!.AsObject();
        Assert.Equal(["id", "href", "name", "@type"], selected.Select(p => p.Key).Order().ToArray().OrderBy(k => k == "id" ? 0 : k == "href" ? 1 : k == "name" ? 2 : 3));
        var single = await pm.GetJsonAsync($"{Prices}/{price.Id()}?fields=priceType");
        Assert.Null(single["name"]);
        Assert.Equal("recurring", single["priceType"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("limit=1001", "INVALID_PAGING")]
    [InlineData("limit=0", "INVALID_PAGING")]
    [InlineData("offset=-1", "INVALID_PAGING")]
    [InlineData("limit=abc", "INVALID_PAGING")]
    [InlineData("colour=red", "INVALID_FILTER")]
    [InlineData("description=x", "INVALID_FILTER")]
    [InlineData("name.gt=a", "INVALID_FILTER")]
    [InlineData("price.value.gt=cheap", "INVALID_FILTER")]
    [InlineData("lastUpdate.lt=yesterday", "INVALID_FILTER")]
    [InlineData("sort=description", "INVALID_SORT")]
    [InlineData("fields=colour", "INVALID_FIELDS")]
    public async Task UnknownOrMalformedQueryParametersAreA400NamingThem(string query, string code)
    {
        using var response = await apps.For(TestDatabase.Sqlite).CreateClient().GetAsync($"{Prices}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ReadJsonAsync();
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal("Error", error["@type"]!.GetValue<string>());
        var named = query.StartsWith("fields=", StringComparison.Ordinal) || query.StartsWith("sort=", StringComparison.Ordinal)
            ? query.Split('=')[1]
            : query.Split('=')[0].Split('.')[0];
        Assert.Contains(named, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<List<string>> Names(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
    }
}
