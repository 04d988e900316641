using Dialtone.Platform.Hub;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// A partner places orders with its own credentials and follows them through TMF688 hub events: each state change of
/// its orders, their service orders and the products they make, and nothing of another partner's or a customer's.
/// </summary>
public sealed class PartnerHubEvents
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task APartnerFollowsItsOwnOrdersThroughHubEventsAndSeesNobodyElses(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var partner = shop.App.ClientAs("partner-x", "partner");
        var rival = shop.App.ClientAs("partner-y", "partner", "productManager"); // a second role does not widen what its listener hears
        await using var partnerOrders = await CallbackListener.StartAsync();
        await using var partnerProducts = await CallbackListener.StartAsync();
        await using var rivalOrders = await CallbackListener.StartAsync();
        var subscription = await partner.PostJsonAsync($"{Shop.OrderApi}/hub", new JsonObject { ["callback"] = partnerOrders.Url, ["query"] = "eventType=ProductOrderCreateEvent,ProductOrderStateChangeEvent" });
        await partner.PostJsonAsync("/tmf-api/productInventory/v4/hub", new JsonObject { ["callback"] = partnerProducts.Url });
        var rivalSubscription = await rival.PostJsonAsync($"{Shop.OrderApi}/hub", new JsonObject { ["callback"] = rivalOrders.Url });

        // A customer's own order: neither partner hears of it.
        var (_, customer) = await shop.CustomerAsync();
        await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", plus)));

        var pat = await partner.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = "Pat", ["familyName"] = "Partner" });
        await Shop.PassIdentityCheckAsync(partner, pat.Id());
        var placed = await partner.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.For(Shop.Order(Shop.Add("1", plus)), pat.Id()));
        var done = await shop.WaitForStateAsync(partner, placed.Id(), "completed");

        var events = (await partnerOrders.WaitForAsync(3)).Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.All(events, e => Assert.Equal(placed.Id(), e["event"]!["productOrder"]!["id"]!.GetValue<string>()));
        Assert.Equal(["ProductOrderCreateEvent", "ProductOrderStateChangeEvent", "ProductOrderStateChangeEvent"], events.Select(e => e["eventType"]!.GetValue<string>()));
        Assert.Equal(["acknowledged", "inProgress", "completed"], events.Select(e => e["event"]!["productOrder"]!["state"]!.GetValue<string>()));
        Assert.All(partnerOrders.Received, r => Assert.True(HubSignature.Verify(subscription["secret"]!.GetValue<string>(), r.Body, r.Headers[HubSignature.HeaderName], shop.App.Clock.GetUtcNow())));

        var productEvents = (await partnerProducts.WaitForAsync(1)).Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.All(productEvents, e => Assert.Equal(Shop.ProductOf(done), e["event"]!["product"]!["id"]!.GetValue<string>()));

        // The rival's listener heard nothing (its own order afterwards proves it is delivered to at all).
        var rivals = await rival.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = "Rita", ["familyName"] = "Rival" });
        await Shop.PassIdentityCheckAsync(rival, rivals.Id());
        var rivalOrder = await rival.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.For(Shop.Order(Shop.Add("1", plus)), rivals.Id()));
        await shop.WaitForStateAsync(rival, rivalOrder.Id(), "completed");
        await rivalOrders.WaitForAsync(1);
        Assert.All(rivalOrders.Received, r => Assert.Equal(rivalOrder.Id(), JsonNode.Parse(r.Body)!["event"]!["productOrder"]!["id"]!.GetValue<string>()));
        Assert.DoesNotContain(partnerOrders.Received, r => r.Body.Contains(rivalOrder.Id(), StringComparison.Ordinal));

        // A partner removes its own listeners, not another's; customers register none.
        using (var notTheirs = await partner.DeleteAsync($"{Shop.OrderApi}/hub/{rivalSubscription.Id()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await partner.DeleteAsync($"{Shop.OrderApi}/hub/{subscription.Id()}")).StatusCode);
        using (var byCustomer = await customer.PostAsync($"{Shop.OrderApi}/hub", TmfHttp.Json(new JsonObject { ["callback"] = partnerOrders.Url })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byCustomer.StatusCode);
        }

        Assert.Empty(shop.Problems);
    }
}
