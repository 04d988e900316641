namespace Dialtone.Catalog.Tests.ProductOfferings;

public sealed class ProductOfferingCharacteristics(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    private const string Offerings = $"{TmfHttp.Catalog}/productOffering";

    private static JsonObject Allowance(long amount) => new()
    {
        ["unit"] = "octet", ["amount"] = amount, ["unlimited"] = false, ["ratingGroups"] = new JsonArray(10),
        ["resetPeriod"] = "billingCycle", ["rollover"] = false, ["sharedPool"] = false, ["priority"] = 10, ["zone"] = "home",
    };

    private async Task<JsonObject> LineSpecificationAsync(HttpClient pm) =>
        await pm.PostJsonAsync($"{TmfHttp.Catalog}/productSpecification", new JsonObject
        {
            ["name"] = CatalogFixtures.Unique("line"),
            ["productSpecCharacteristic"] = new JsonArray(new JsonObject
            {
                ["name"] = "dataAllowance",
                ["valueType"] = "allowance",
                ["productSpecCharacteristicValue"] = new JsonArray(new JsonObject { ["value"] = Allowance(10_000_000_000) }, new JsonObject { ["value"] = Allowance(40_000_000_000) }),
            }),
        });

    private static JsonObject Pick(string characteristic, JsonNode value) => new()
    {
        ["name"] = characteristic,
        ["productSpecCharacteristicValue"] = new JsonArray(new JsonObject { ["value"] = value }),
    };

    [Theory, MemberData(nameof(Databases))]
    public async Task AnOfferingPicksOnlyValuesItsSpecificationOffers(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var spec = await LineSpecificationAsync(pm);
        var specification = new JsonObject { ["id"] = spec.Id() };

        var offering = await CatalogFixtures.OfferingAsync(pm, "40 GB plan", "In study", new JsonObject
        {
            ["productSpecification"] = specification,
            ["prodSpecCharValueUse"] = new JsonArray(Pick("dataAllowance", Allowance(40_000_000_000))),
        });
        Assert.Equal("dataAllowance", offering["prodSpecCharValueUse"]![0]!["name"]!.GetValue<string>());

        using var notOffered = await pm.PostAsync(Offerings, TmfHttp.Json(new JsonObject
        {
            ["name"] = "25 GB plan",
            ["productSpecification"] = specification.DeepClone(),
            ["prodSpecCharValueUse"] = new JsonArray(Pick("dataAllowance", Allowance(25_000_000_000))),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, notOffered.StatusCode);
        Assert.Equal("VALUE_NOT_OFFERED", (await notOffered.ReadJsonAsync())["code"]!.GetValue<string>());

        using var unknown = await pm.PostAsync(Offerings, TmfHttp.Json(new JsonObject
        {
            ["name"] = "voice plan",
            ["productSpecification"] = specification.DeepClone(),
            ["prodSpecCharValueUse"] = new JsonArray(Pick("voiceAllowance", 300)),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("UNKNOWN_CHARACTERISTIC", (await unknown.ReadJsonAsync())["code"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AnAllowanceThatIsNotWellFormedIsRefusedOnTheSpecification(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var broken = Allowance(1000);
        broken["unlimited"] = true;
        using var response = await pm.PostAsync($"{TmfHttp.Catalog}/productSpecification", TmfHttp.Json(new JsonObject
        {
            ["name"] = "broken",
            ["productSpecCharacteristic"] = new JsonArray(new JsonObject
            {
                ["name"] = "data",
                ["valueType"] = "allowance",
                ["productSpecCharacteristicValue"] = new JsonArray(new JsonObject { ["value"] = broken }),
            }),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_ALLOWANCE", (await response.ReadJsonAsync())["code"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task ReferencesAreShownOnTheCallersOwnBaseUrl(TestDatabase database)
    {
        var app = apps.For(database);
        var pm = app.ProductManager();
        var spec = await CatalogFixtures.SpecificationAsync(pm);
        var offering = await CatalogFixtures.OfferingAsync(pm, "href plan", "Launched", new JsonObject { ["productSpecification"] = new JsonObject { ["id"] = spec.Id() } });

        var other = app.CreateClient();
        other.BaseAddress = new Uri("https://api.operator.example/");
        var seen = await other.GetJsonAsync($"{Offerings}/{offering.Id()}");
        Assert.Equal($"https://api.operator.example{TmfHttp.Catalog}/productSpecification/{spec.Id()}", seen["productSpecification"]!["href"]!.GetValue<string>());
        Assert.StartsWith("https://api.operator.example/", seen["href"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
