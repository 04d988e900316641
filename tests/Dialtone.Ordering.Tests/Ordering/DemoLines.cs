using System.Globalization;
using Dialtone.Charging.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>Demo data: the demo subscribers get their lines through real orders, so inventory, numbers and the network agree.</summary>
public sealed class DemoLines
{
    [Fact]
    public async Task EveryDemoSubscriberGetsAnActiveLineThroughAnOrder()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Dialtone:DemoSubscribers"] = "5" });
        JsonArray lines = [];
        JsonArray orders = [];
        // A line is active as soon as its own item is done; its order completes after the order's other items (the fifth
        // subscriber's data boost): wait for both.
        for (var attempt = 0; attempt < 1_500 && (lines.Count < 5 || orders.Count < 5 || orders.Any(o => o!["state"]!.GetValue<string>() != "completed")); attempt++)
        {
            lines = await shop.Agent.GetJsonArrayAsync($"{Shop.InventoryApi}/product?status=active&productSpecification.id={await LineSpecificationAsync(shop)}");
            orders = await shop.Agent.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder");
            await Task.Delay(20);
        }

        Assert.True(lines.Count == 5, $"{lines.Count} lines; orders {string.Join(",", orders.Select(o => o!["state"]))}; errors: {string.Join("\n", shop.Problems)}");
        Assert.Equal(5, orders.Count);
        Assert.All(orders, o => Assert.Equal("completed", o!["state"]!.GetValue<string>()));
        Assert.Equal(5, lines.Select(l => Shop.Characteristic(l!.AsObject(), "msisdn")).Distinct().Count());
        Assert.Equal(5, shop.Network.Subscribers.Count);
        Assert.Equal(lines.Select(l => Shop.Characteristic(l!.AsObject(), "imsi")).Order(), shop.Network.Subscribers.Keys.Order());
        // The fifth subscriber's order also carried a data boost, on their line.
        Assert.Single(await shop.Agent.GetJsonArrayAsync($"{Shop.InventoryApi}/product?productRelationship.product.id={string.Join(',', lines.Select(l => l!.Id()))}"));
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task EveryTwentyFifthDemoSubscriberHoldsAFamilyWhoseThreeLinesShareOnePool()
    {
        // The thirteenth demo subscriber (DS1000012) is the first with a family: 5G Plus and two 5G Start lines, in one bundle.
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Dialtone:DemoSubscribers"] = "13" });
        JsonArray members = [];
        JsonArray bundles = [];
        for (var attempt = 0; attempt < 3_000 && (members.Count < 3 || bundles.Count < 1); attempt++)
        {
            members = await shop.Agent.GetJsonArrayAsync($"{Shop.InventoryApi}/product?productRelationship.relationshipType=isBundled");
            bundles = await shop.Agent.GetJsonArrayAsync($"{Shop.InventoryApi}/product?productRelationship.relationshipType=bundled");
            await Task.Delay(20);
        }

        var bundle = Assert.Single(bundles)!.AsObject();
        Assert.Equal("Dialtone Family", bundle["name"]!.GetValue<string>());
        Assert.Equal(3, members.Count);
        Assert.All(members, m => Assert.Equal(bundle.Id(), m!["productRelationship"]![0]!["product"]!["id"]!.GetValue<string>()));
        // The family's lines take three IMSIs in a row, the 5G Plus line first (README lists them).
        var imsis = members.OrderBy(m => Shop.Characteristic(m!.AsObject(), "imsi")).Select(m => (Imsi: long.Parse(Shop.Characteristic(m!.AsObject(), "imsi")!, CultureInfo.InvariantCulture), Name: m!["name"]!.GetValue<string>())).ToList();
        Assert.Equal([imsis[0].Imsi, imsis[0].Imsi + 1, imsis[0].Imsi + 2], imsis.Select(i => i.Imsi));
        Assert.Equal(["5G Plus 40 GB", "5G Start 10 GB", "5G Start 10 GB"], imsis.Select(i => i.Name));
        var pool = shop.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ISharedPoolGrain>(SharedPoolIds.Of(bundle.Id()));
        for (var attempt = 0; attempt < 750 && (await pool.BalanceAsync())?.Members.Count != 3; attempt++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(3, (await pool.BalanceAsync())?.Members.Count);
        Assert.Empty(shop.Problems);
    }

    private static async Task<string> LineSpecificationAsync(Shop shop) =>
        (await shop.App.CreateClient().GetJsonAsync($"{Shop.CatalogApi}/productOffering/{await shop.OfferingIdAsync("5G Plus 40 GB")}"))["productSpecification"]!["id"]!.GetValue<string>();
}
