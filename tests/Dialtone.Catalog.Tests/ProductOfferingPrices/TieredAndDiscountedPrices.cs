namespace Dialtone.Catalog.Tests.ProductOfferingPrices;

public sealed class TieredAndDiscountedPrices(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    private const string Prices = $"{TmfHttp.Catalog}/productOfferingPrice";

    private static JsonObject Use(string name, long value) => new()
    {
        ["name"] = name,
        ["productSpecCharacteristicValue"] = new JsonArray(new JsonObject { ["value"] = value }),
    };

    private static async Task<JsonObject> TierAsync(HttpClient pm, decimal perMb, long from, long? to)
    {
        var uses = new JsonArray(Use("ratingGroup", 10), Use("tierFrom", from));
        if (to is { } end)
        {
            uses.Add(Use("tierTo", end));
        }

        return await pm.PostJsonAsync(Prices, new JsonObject
        {
            ["name"] = $"tier {from}",
            ["priceType"] = "usage",
            ["price"] = new JsonObject { ["unit"] = "EUR", ["value"] = perMb },
            ["unitOfMeasure"] = new JsonObject { ["amount"] = 1, ["units"] = "MB" },
            ["prodSpecCharValueUse"] = uses,
        });
    }

    private static JsonObject Tiered(params JsonObject[] tiers) => new()
    {
        ["name"] = "tiered data",
        ["priceType"] = "usage",
        ["isBundle"] = true,
        ["bundledPopRelationship"] = new JsonArray(tiers.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id() }).ToArray()),
    };

    [Theory, MemberData(nameof(Databases))]
    public async Task TiersMustStartAtZeroAndJoinUpWithTheLastOpenEnded(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var first = await TierAsync(pm, 0.004m, 0, 10_000);
        var second = await TierAsync(pm, 0.002m, 10_000, 50_000);
        var last = await TierAsync(pm, 0.001m, 50_000, null);
        var gapped = await TierAsync(pm, 0.001m, 60_000, null);

        var tiered = await pm.PostJsonAsync(Prices, Tiered(last, first, second));
        Assert.True(tiered["isBundle"]!.GetValue<bool>());

        using var gap = await pm.PostAsync(Prices, TmfHttp.Json(Tiered(first, second, gapped)));
        Assert.Equal(HttpStatusCode.BadRequest, gap.StatusCode);
        Assert.Equal("INVALID_TIERS", (await gap.ReadJsonAsync())["code"]!.GetValue<string>());

        using var noStart = await pm.PostAsync(Prices, TmfHttp.Json(Tiered(second, last)));
        Assert.Equal(HttpStatusCode.BadRequest, noStart.StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AUsagePriceNamesItsRatingGroupsAsPositiveIntegers(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        JsonObject PerMb(params JsonNode[] ratingGroups) => new()
        {
            ["name"] = "data per MB",
            ["priceType"] = "usage",
            ["price"] = new JsonObject { ["unit"] = "EUR", ["value"] = 0.01m },
            ["unitOfMeasure"] = new JsonObject { ["amount"] = 1, ["units"] = "MB" },
            ["prodSpecCharValueUse"] = new JsonArray(new JsonObject
            {
                ["name"] = "ratingGroup",
                ["productSpecCharacteristicValue"] = new JsonArray(ratingGroups.Select(g => (JsonNode)new JsonObject { ["value"] = g }).ToArray()),
            }),
        };

        await pm.PostJsonAsync(Prices, PerMb(10, 11));
        foreach (var wrong in new JsonNode[] { "10", 0, 10.5 })
        {
            using var refused = await pm.PostAsync(Prices, TmfHttp.Json(PerMb(10, wrong)));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("MISSING_ATTRIBUTE", (await refused.ReadJsonAsync())["code"]!.GetValue<string>());
        }
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task OnlyADiscountCanDiscountAPrice(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var discount = await pm.PostJsonAsync(Prices, new JsonObject
        {
            ["name"] = "50% for 3 months",
            ["priceType"] = "discount",
            ["percentage"] = 50,
            ["productOfferingTerm"] = new JsonArray(new JsonObject { ["name"] = "welcome", ["duration"] = new JsonObject { ["amount"] = 3, ["units"] = "month" } }),
        });
        var fee = await CatalogFixtures.MonthlyPriceAsync(pm, 20m);

        JsonObject Discounted(string id) => new()
        {
            ["name"] = "discounted fee",
            ["priceType"] = "recurring",
            ["price"] = new JsonObject { ["unit"] = "EUR", ["value"] = 24.99m },
            ["popRelationship"] = new JsonArray(new JsonObject { ["id"] = id, ["relationshipType"] = "discountedBy" }),
        };

        await pm.PostJsonAsync(Prices, Discounted(discount.Id()));
        using var notADiscount = await pm.PostAsync(Prices, TmfHttp.Json(Discounted(fee.Id())));
        Assert.Equal(HttpStatusCode.BadRequest, notADiscount.StatusCode);
        Assert.Equal("INVALID_RELATIONSHIP", (await notADiscount.ReadJsonAsync())["code"]!.GetValue<string>());

        using var tooMuch = await pm.PostAsync(Prices, TmfHttp.Json("""{"name":"x","priceType":"discount","percentage":150}"""));
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
    }
}
