namespace Dialtone.Catalog.Tests;

/// <summary>Builds the catalog entities a test needs through the API, as a product manager would.</summary>
internal static class CatalogFixtures
{
    public static async Task<JsonObject> SpecificationAsync(HttpClient pm, string name = "5G Mobile Line") =>
        await pm.PostJsonAsync($"{TmfHttp.Catalog}/productSpecification", new JsonObject { ["name"] = name, ["brand"] = "Dialtone" });

    public static async Task<JsonObject> MonthlyPriceAsync(HttpClient pm, decimal value, string name = "Monthly fee") =>
        await pm.PostJsonAsync($"{TmfHttp.Catalog}/productOfferingPrice", new JsonObject
        {
            ["name"] = name,
            ["priceType"] = "recurring",
            ["price"] = new JsonObject { ["unit"] = "EUR", ["value"] = value },
        });

    public static async Task<JsonObject> OfferingAsync(HttpClient pm, string name, string lifecycleStatus = "Launched", JsonObject? extra = null)
    {
        var body = new JsonObject { ["name"] = name, ["lifecycleStatus"] = lifecycleStatus };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return await pm.PostJsonAsync($"{TmfHttp.Catalog}/productOffering", body);
    }

    public static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..8]}";
}
