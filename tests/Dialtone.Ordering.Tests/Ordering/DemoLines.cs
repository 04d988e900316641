namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>Demo data: the demo subscribers get their lines through real orders, so inventory, numbers and the network agree.</summary>
public sealed class DemoLines
{
    [Fact]
    public async Task EveryDemoSubscriberGetsAnActiveLineThroughAnOrder()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Dialtone:DemoSubscribers"] = "5" });
        JsonArray lines = [];
        for (var attempt = 0; attempt < 1_500 && lines.Count < 5; attempt++)
        {
            lines = await shop.Agent.GetJsonArrayAsync($"{Shop.InventoryApi}/product?status=active&productSpecification.id={await LineSpecificationAsync(shop)}");
            await Task.Delay(20);
        }

        Assert.True(lines.Count == 5, $"{lines.Count} lines; orders {string.Join(",", (await shop.Agent.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder")).Select(o => o!["state"]))}; errors: {string.Join("\n", shop.Problems)}");
        var orders = await shop.Agent.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder");
        Assert.Equal(5, orders.Count);
        Assert.All(orders, o => Assert.Equal("completed", o!["state"]!.GetValue<string>()));
        Assert.Equal(5, lines.Select(l => Shop.Characteristic(l!.AsObject(), "msisdn")).Distinct().Count());
        Assert.Equal(5, shop.Network.Subscribers.Count);
        Assert.Equal(lines.Select(l => Shop.Characteristic(l!.AsObject(), "imsi")).Order(), shop.Network.Subscribers.Keys.Order());
        // The fifth subscriber's order also carried a data boost, on their line.
        Assert.Single(await shop.Agent.GetJsonArrayAsync($"{Shop.InventoryApi}/product?productRelationship.product.id={string.Join(',', lines.Select(l => l!.Id()))}"));
        Assert.Empty(shop.Problems);
    }

    private static async Task<string> LineSpecificationAsync(Shop shop) =>
        (await shop.App.CreateClient().GetJsonAsync($"{Shop.CatalogApi}/productOffering/{await shop.OfferingIdAsync("5G Plus 40 GB")}"))["productSpecification"]!["id"]!.GetValue<string>();
}
