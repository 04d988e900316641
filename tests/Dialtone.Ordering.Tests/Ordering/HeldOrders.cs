using Dialtone.Ordering.Provisioning;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// An order with a <c>requestedStartDate</c> ahead (a plan change at the next bill cycle) is judged and priced at once,
/// <c>held</c> until that date without touching the network, then carried out; until then it can be withdrawn.
/// </summary>
public sealed class HeldOrders
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task APlanChangeAtTheNextCycleIsHeldUntilItsStartDateAndCanBeWithdrawnMeanwhile(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var start = await shop.OfferingIdAsync("5G Start 10 GB");
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", start))));

        var nextCycle = shop.App.Clock.GetUtcNow().AddDays(10);
        var change = PlanChange(line, plus, nextCycle);
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", change);
        Assert.Equal("held", placed["state"]!.GetValue<string>());
        Assert.Equal("held", placed["productOrderItem"]![0]!["state"]!.GetValue<string>());
        Assert.Contains("Held until", placed["stateChange"]!.AsArray().Last()!["changeReason"]!.GetValue<string>());

        // Until the date nothing happens: the network is not asked, the line keeps its plan.
        for (var look = 0; look < 10; look++)
        {
            Assert.Equal("held", (await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{placed.Id()}"))["state"]!.GetValue<string>());
            await Task.Delay(20);
        }

        Assert.Equal(0, shop.Network.Count(ProvisioningOperations.UpdateSubscriber));
        Assert.Equal(start, (await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}"))["productOffering"]!["id"]!.GetValue<string>());
        Assert.Equal("held", Assert.Single(await customer.GetJsonArrayAsync($"/tmf-api/serviceOrdering/v4/serviceOrder?externalId={placed.Id()}"))!["state"]!.GetValue<string>());

        shop.App.Clock.Advance(TimeSpan.FromDays(10));
        var done = await shop.WaitForStateAsync(customer, placed.Id(), "completed", "failed");
        Assert.Equal("completed", done["state"]!.GetValue<string>());
        Assert.Equal(["acknowledged", "held", "inProgress", "completed"], done["stateChange"]!.AsArray().Select(s => s!["state"]!.GetValue<string>()));
        Assert.Equal(plus, (await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}"))["productOffering"]!["id"]!.GetValue<string>());
        Assert.Equal(1, shop.Network.Count(ProvisioningOperations.UpdateSubscriber));

        // A held change is withdrawn without the network hearing of it.
        var later = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", PlanChange(line, start, shop.App.Clock.GetUtcNow().AddDays(30)));
        Assert.Equal("held", later["state"]!.GetValue<string>());
        await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = later.Id() } });
        var withdrawn = await shop.WaitForStateAsync(customer, later.Id(), "cancelled");
        Assert.Equal("beforePointOfNoReturn", withdrawn["cancellationMode"]!.GetValue<string>());
        shop.App.Clock.Advance(TimeSpan.FromDays(31));
        await Task.Delay(100);
        Assert.Equal(1, shop.Network.Count(ProvisioningOperations.UpdateSubscriber));
        Assert.Equal(plus, (await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}"))["productOffering"]!["id"]!.GetValue<string>());

        // More than a year ahead is not an order.
        using var tooFar = await customer.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(PlanChange(line, start, shop.App.Clock.GetUtcNow().AddDays(400))));
        Assert.Equal(HttpStatusCode.BadRequest, tooFar.StatusCode);
        Assert.Contains("requestedStartDate", await tooFar.Content.ReadAsStringAsync());
        Assert.Empty(shop.Problems);
    }

    private static JsonObject PlanChange(string productId, string offeringId, DateTimeOffset startDate)
    {
        var order = Shop.Order(new JsonObject
        {
            ["id"] = "1", ["action"] = "modify", ["productOffering"] = new JsonObject { ["id"] = offeringId }, ["product"] = new JsonObject { ["id"] = productId },
        });
        order["requestedStartDate"] = startDate.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        return order;
    }
}
