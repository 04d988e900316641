namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>A line's whole life through TMF622 orders: ordered, given an add-on, suspended, resumed, moved to another plan, terminated.</summary>
public sealed class ProductOrderLifecycle
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ALineIsOrderedChangedAndTerminatedThroughOrders(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (party, customer) = await shop.CustomerAsync();
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");

        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus, msisdn: "+4915550001234")));
        Assert.Equal("acknowledged", placed["state"]!.GetValue<string>());
        Assert.NotNull(placed["orderDate"]);
        Assert.Equal(party, placed["relatedParty"]![0]!["id"]!.GetValue<string>());
        var monthly = placed["productOrderItem"]![0]!["itemPrice"]!.AsArray().Single(p => p!["priceType"]!.GetValue<string>() == "recurring")!;
        Assert.Equal(24.99m, monthly["price"]!["taxIncludedAmount"]!["value"]!.GetValue<decimal>());

        var completed = await shop.WaitForStateAsync(customer, placed.Id(), "completed");
        Assert.Equal(["acknowledged", "inProgress", "completed"], completed["stateChange"]!.AsArray().Select(s => s!["state"]!.GetValue<string>()));
        Assert.Equal("completed", completed["productOrderItem"]![0]!["state"]!.GetValue<string>());
        var line = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(completed)}");
        Assert.Equal("active", line["status"]!.GetValue<string>());
        Assert.Equal("+4915550001234", Shop.Characteristic(line, "msisdn"));
        var imsi = Shop.Characteristic(line, "imsi")!;
        Assert.Matches("^00101[0-9]{10}$", imsi);
        Assert.Matches("^8988201[0-9]{12}$", Shop.Characteristic(line, "iccid")!);
        Assert.Equal(placed.Id(), line["productOrderItem"]![0]!["productOrderId"]!.GetValue<string>());
        Assert.Equal(24.99m, line["productPrice"]!.AsArray().Single(p => p!["priceType"]!.GetValue<string>() == "recurring")!["price"]!["taxIncludedAmount"]!["value"]!.GetValue<decimal>());
        Assert.Equal("active", shop.Network.Subscribers[imsi]);
        Assert.Single(shop.Network.Profiles);

        var boost = await shop.OfferingIdAsync("Data Boost +5 GB");
        var addOn = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", boost, product: new JsonObject
        {
            ["productRelationship"] = new JsonArray(new JsonObject { ["relationshipType"] = "addOnTo", ["product"] = new JsonObject { ["id"] = line.Id() } }),
        })));
        var boostProduct = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(addOn)}");
        Assert.Equal(line.Id(), boostProduct["productRelationship"]![0]!["product"]!["id"]!.GetValue<string>());
        Assert.True(shop.Network.Services.ContainsKey($"{imsi}/DT-DATA-ADDON"));

        await shop.OrderAndCompleteAsync(customer, Shop.Order(Modify(line.Id(), new JsonObject { ["status"] = "suspended" })));
        Assert.Equal("suspended", (await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}"))["status"]!.GetValue<string>());
        Assert.Equal("suspended", shop.Network.Subscribers[imsi]);

        await shop.OrderAndCompleteAsync(customer, Shop.Order(Modify(line.Id(), new JsonObject { ["status"] = "active" })));
        Assert.Equal("active", shop.Network.Subscribers[imsi]);

        var max = await shop.OfferingIdAsync("5G Max 120 GB");
        var change = Modify(line.Id(), null);
        change["productOffering"] = new JsonObject { ["id"] = max };
        await shop.OrderAndCompleteAsync(customer, Shop.Order(change));
        var moved = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}");
        Assert.Equal(max, moved["productOffering"]!["id"]!.GetValue<string>());
        Assert.Equal("+4915550001234", Shop.Characteristic(moved, "msisdn"));
        Assert.Equal(34.99m, moved["productPrice"]!.AsArray().Single(p => p!["priceType"]!.GetValue<string>() == "recurring")!["price"]!["taxIncludedAmount"]!["value"]!.GetValue<decimal>());

        var terminate = new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line.Id() } };
        await shop.OrderAndCompleteAsync(customer, Shop.Order(terminate));
        var ended = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}");
        Assert.Equal("terminated", ended["status"]!.GetValue<string>());
        Assert.NotNull(ended["terminationDate"]);
        Assert.False(shop.Network.Subscribers.ContainsKey(imsi));
        Assert.Empty(shop.Network.Profiles);
        Assert.Equal(["add", "modify", "modify", "modify", "delete"], ended["productOrderItem"]!.AsArray().Select(i => i!["orderItemAction"]!.GetValue<string>()));

        // The terminated line's number rests in quarantine: nobody can order it.
        using var again = await customer.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(Shop.Order(Shop.Add("1", plus, msisdn: "+4915550001234"))));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("NUMBER_NOT_AVAILABLE", await again.Content.ReadAsStringAsync());
        Assert.Empty(shop.Problems);
    }

    private static JsonObject Modify(string productId, JsonObject? product)
    {
        product ??= new JsonObject();
        product["id"] = productId;
        return new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = product };
    }
}
