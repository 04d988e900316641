using Dialtone.Ordering.Provisioning;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// Each product order is decomposed into a TMF641 service order (one item per service its items act on) whose states
/// follow the provisioning steps, and a completed order leaves TMF638 services realizing its products.
/// </summary>
public sealed class ServiceOrdersAndServices
{
    private const string ServiceOrderApi = "/tmf-api/serviceOrdering/v4";
    private const string ServiceApi = "/tmf-api/serviceInventory/v4";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ALineIsRealizedByASubscriptionAndAnEsimProfileThatFollowItsLife(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var added = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Plus 40 GB"))));
        var line = Shop.ProductOf(added);

        var serviceOrder = Assert.Single(await customer.GetJsonArrayAsync($"{ServiceOrderApi}/serviceOrder?externalId={added.Id()}"))!.AsObject();
        Assert.Equal("completed", serviceOrder["state"]!.GetValue<string>());
        Assert.Equal(added.Id(), serviceOrder["orderRelationship"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("ProductOrder", serviceOrder["orderRelationship"]![0]!["@referredType"]!.GetValue<string>());
        var items = serviceOrder["serviceOrderItem"]!.AsArray();
        Assert.Equal(["mobileSubscription", "esimProfile"], items.Select(i => i!["service"]!["serviceSpecification"]!["name"]!.GetValue<string>()));
        Assert.All(items, i => Assert.Equal("add", i!["action"]!.GetValue<string>()));
        Assert.All(items, i => Assert.Equal("completed", i!["state"]!.GetValue<string>()));
        Assert.All(items, i => Assert.Equal(line, i!["service"]!["relatedEntity"]![0]!["id"]!.GetValue<string>()));

        var product = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}");
        var realizing = product["realizingService"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([$"line-{line}", $"esim-{line}"], realizing);
        var subscription = await customer.GetJsonAsync($"{ServiceApi}/service/line-{line}");
        Assert.Equal("active", subscription["state"]!.GetValue<string>());
        Assert.Equal(Shop.Characteristic(product, "imsi"), subscription["serviceCharacteristic"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "imsi")!["value"]!.GetValue<string>());
        Assert.Equal(serviceOrder.Id(), subscription["serviceOrderItem"]![0]!["serviceOrderId"]!.GetValue<string>());

        // Suspended: the subscription is inactive; resumed: active again.
        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = line, ["status"] = "suspended" } }));
        Assert.Equal("inactive", (await customer.GetJsonAsync($"{ServiceApi}/service/line-{line}"))["state"]!.GetValue<string>());
        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = line, ["status"] = "active" } }));
        Assert.Equal("active", (await customer.GetJsonAsync($"{ServiceApi}/service/line-{line}"))["state"]!.GetValue<string>());

        // A SIM swap: the old eSIM profile service ends, a new one realizes the line.
        var swap = await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject
        {
            ["id"] = "1", ["action"] = "modify",
            ["product"] = new JsonObject { ["id"] = line, ["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "simSwap", ["value"] = true }) },
        }));
        var swapOrder = Assert.Single(await customer.GetJsonArrayAsync($"{ServiceOrderApi}/serviceOrder?externalId={swap.Id()}"))!.AsObject();
        Assert.Equal(["add", "delete"], swapOrder["serviceOrderItem"]!.AsArray().Select(i => i!["action"]!.GetValue<string>()));
        Assert.Equal("terminated", (await customer.GetJsonAsync($"{ServiceApi}/service/esim-{line}"))["state"]!.GetValue<string>());
        var swapped = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}");
        var newEsim = $"esim-{Shop.Characteristic(swapped, "esimProfileId")}";
        Assert.Equal("active", (await customer.GetJsonAsync($"{ServiceApi}/service/{newEsim}"))["state"]!.GetValue<string>());
        Assert.Contains(newEsim, swapped["realizingService"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));

        // Terminated: every service that realizes the line ends.
        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line } }));
        var services = await customer.GetJsonArrayAsync($"{ServiceApi}/service?relatedEntity.id={line}");
        Assert.Equal(3, services.Count);
        Assert.All(services, s => Assert.Equal("terminated", s!["state"]!.GetValue<string>()));
        Assert.All(services.Where(s => s!["id"]!.GetValue<string>() != $"esim-{line}"), s => Assert.NotNull(s!["endDate"]));
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task TheServiceOrderShowsWhichServiceWaitsForADownNetworkAndEndsWithTheProductOrder(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.NetworkDown = true;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        await shop.Network.Reached(ProvisioningOperations.CreateSubscriber);

        JsonObject serviceOrder = [];
        for (var look = 0; look < 200; look++)
        {
            serviceOrder = Assert.Single(await customer.GetJsonArrayAsync($"{ServiceOrderApi}/serviceOrder?externalId={placed.Id()}"))!.AsObject();
            if (serviceOrder["serviceOrderItem"]![0]!["state"]!.GetValue<string>() == "inProgress")
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.Equal("inProgress", serviceOrder["state"]!.GetValue<string>());
        Assert.Equal(["inProgress", "acknowledged"], serviceOrder["serviceOrderItem"]!.AsArray().Select(i => i!["state"]!.GetValue<string>()));

        await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = placed.Id() } });
        await shop.WaitForStateAsync(customer, placed.Id(), "cancelled");
        var cancelled = await customer.GetJsonAsync($"{ServiceOrderApi}/serviceOrder/{serviceOrder.Id()}");
        Assert.Equal("cancelled", cancelled["state"]!.GetValue<string>());
        Assert.All(cancelled["serviceOrderItem"]!.AsArray(), i => Assert.Equal("cancelled", i!["state"]!.GetValue<string>()));
        Assert.NotNull(cancelled["completionDate"]);
        Assert.Empty(await customer.GetJsonArrayAsync($"{ServiceApi}/service"));
    }

    [Fact]
    public async Task ServiceOrdersAndServicesAreReadOnlyAndOnlyTheirPartiesSeeThem()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        var (_, stranger) = await shop.CustomerAsync("Sven");
        var added = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        var line = Shop.ProductOf(added);
        var serviceOrder = Assert.Single(await shop.Agent.GetJsonArrayAsync($"{ServiceOrderApi}/serviceOrder?externalId={added.Id()}"))!.AsObject();

        Assert.Empty(await stranger.GetJsonArrayAsync($"{ServiceOrderApi}/serviceOrder"));
        Assert.Empty(await stranger.GetJsonArrayAsync($"{ServiceApi}/service"));
        using (var hidden = await stranger.GetAsync($"{ServiceOrderApi}/serviceOrder/{serviceOrder.Id()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        using (var hidden = await stranger.GetAsync($"{ServiceApi}/service/line-{line}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        using (var anonymous = await shop.App.CreateClient().GetAsync($"{ServiceApi}/service/line-{line}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var unknown = await shop.Agent.GetAsync($"{ServiceApi}/service/line-no-such-product"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        foreach (var path in new[] { $"{ServiceOrderApi}/serviceOrder", $"{ServiceApi}/service" })
        {
            using var post = await shop.Agent.PostAsync(path, TmfHttp.Json(new JsonObject { ["state"] = "active" }));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }

        using (var patch = await shop.Agent.PatchAsync($"{ServiceApi}/service/line-{line}", TmfHttp.Json(new JsonObject { ["state"] = "terminated" })))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, patch.StatusCode);
        }

        Assert.Equal(2, (await shop.Agent.GetJsonArrayAsync($"{ServiceApi}/service?relatedEntity.id={line}")).Count);
        Assert.Empty(shop.Problems);
    }
}
