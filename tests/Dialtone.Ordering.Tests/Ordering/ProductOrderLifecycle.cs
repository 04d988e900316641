using Dialtone.Ordering.Provisioning;

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

        // The customer picks one of a few offered numbers.
        var offered = await customer.GetJsonArrayAsync($"{Shop.OrderApi}/availableMsisdn?count=3");
        Assert.Equal(3, offered.Select(n => n!["msisdn"]!.GetValue<string>()).Distinct().Count());
        Assert.All(offered, n => Assert.StartsWith("+4915550", n!["msisdn"]!.GetValue<string>()));
        using (var tooMany = await customer.GetAsync($"{Shop.OrderApi}/availableMsisdn?count=500"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        }

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

        // The eSIM's activation code and its QR code, for the line's customer only.
        var activation = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}/esimActivation");
        var code = activation["activationCode"]!.GetValue<string>();
        Assert.Matches(@"^LPA:1\$smdp\.test\$[A-Z0-9]{20}$", code);
        using (var png = await customer.GetAsync($"{Shop.InventoryApi}/product/{line.Id()}/esimActivation.png"))
        {
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await png.Content.ReadAsByteArrayAsync())[..4]);
        }

        var (_, stranger) = await shop.CustomerAsync("Stranger");
        using (var strangers = await stranger.GetAsync($"{Shop.InventoryApi}/product/{line.Id()}/esimActivation"))
        {
            Assert.Equal(HttpStatusCode.NotFound, strangers.StatusCode);
        }

        using (var agents = await shop.Agent.GetAsync($"{Shop.InventoryApi}/product/{line.Id()}/esimActivation.png"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, agents.StatusCode);
        }

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

        // A SIM swap: a new eSIM (ICCID, profile, activation code) for the same number and IMSI; the old profile is gone.
        var oldIccid = Shop.Characteristic(line, "iccid");
        await shop.OrderAndCompleteAsync(customer, Shop.Order(Modify(line.Id(), new JsonObject
        {
            ["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "simSwap", ["value"] = true }),
        })));
        var swapped = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}");
        Assert.NotEqual(oldIccid, Shop.Characteristic(swapped, "iccid"));
        Assert.Equal(imsi, Shop.Characteristic(swapped, "imsi"));
        Assert.Equal("+4915550001234", Shop.Characteristic(swapped, "msisdn"));
        Assert.Equal([Shop.Characteristic(swapped, "iccid")!], shop.Network.Profiles.Keys);
        Assert.NotEqual(code, (await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}/esimActivation"))["activationCode"]!.GetValue<string>());

        var max = await shop.OfferingIdAsync("5G Max 120 GB");
        var change = Modify(line.Id(), null);
        change["productOffering"] = new JsonObject { ["id"] = max };
        await shop.OrderAndCompleteAsync(customer, Shop.Order(change));
        var moved = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}");
        Assert.Equal(max, moved["productOffering"]!["id"]!.GetValue<string>());
        Assert.Equal("+4915550001234", Shop.Characteristic(moved, "msisdn"));
        Assert.Equal(Shop.Characteristic(swapped, "esimProfileId"), Shop.Characteristic(moved, "esimProfileId")); // the line's own data survives a plan change
        Assert.Equal(34.99m, moved["productPrice"]!.AsArray().Single(p => p!["priceType"]!.GetValue<string>() == "recurring")!["price"]!["taxIncludedAmount"]!["value"]!.GetValue<decimal>());

        var terminate = new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line.Id() } };
        await shop.OrderAndCompleteAsync(customer, Shop.Order(terminate));
        var ended = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line.Id()}");
        Assert.Equal("terminated", ended["status"]!.GetValue<string>());
        Assert.NotNull(ended["terminationDate"]);
        Assert.False(shop.Network.Subscribers.ContainsKey(imsi));
        Assert.Empty(shop.Network.Profiles);
        Assert.Equal(Shop.Characteristic(swapped, "esimProfileId"), shop.Network.Calls.Last(c => c.Operation == ProvisioningOperations.DeleteProfile).Input["profile"]);
        Assert.Equal(["add", "modify", "modify", "modify", "modify", "delete"], ended["productOrderItem"]!.AsArray().Select(i => i!["orderItemAction"]!.GetValue<string>()));

        // The terminated line's number rests in quarantine: nobody can order it.
        using var again = await customer.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(Shop.Order(Shop.Add("1", plus, msisdn: "+4915550001234"))));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("NUMBER_NOT_AVAILABLE", await again.Content.ReadAsStringAsync());
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task ASignedUpSubscriberAndAPartnerOrderWithRealTokens()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var start = await shop.OfferingIdAsync("5G Start 10 GB");
        var subscriber = await Subscribers.SignUpAndSignInAsync(shop.App, "Sinéad", "Ordering");
        var customer = shop.App.Bearer(subscriber.Token);
        await Shop.PassIdentityCheckAsync(customer, null);
        // The sign-up opened the subscriber's billing account: an order that names none is billed to it.
        var account = await Subscribers.BillingAccountOfAsync(customer, subscriber.PartyId);
        var done = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", start)));
        Assert.Equal(subscriber.PartyId, done["relatedParty"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(account.Id(), done["billingAccount"]!.Id());
        Assert.Single(await customer.GetJsonArrayAsync($"{Shop.InventoryApi}/product?status=active"));

        var partnerId = "shop-partner-" + Guid.NewGuid().ToString("N")[..6];
        await OAuthFlows.CreateClientAsync(shop.App, partnerId, "partner");
        var partner = shop.App.Bearer(await OAuthFlows.AccessTokenAsync(shop.App.CreateClient(), partnerId, "partner"));
        var person = await partner.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = "Pia", ["familyName"] = "Partner" });
        await Shop.PassIdentityCheckAsync(partner, person.Id());
        var partnerOrder = await shop.OrderAndCompleteAsync(partner, Shop.For(Shop.Order(Shop.Add("1", start)), person.Id()));
        Assert.Equal("active", (await partner.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(partnerOrder)}"))["status"]!.GetValue<string>());
        using var foreign = await partner.GetAsync($"{Shop.OrderApi}/productOrder/{done.Id()}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Empty(shop.Problems);
    }

    private static JsonObject Modify(string productId, JsonObject? product)
    {
        product ??= new JsonObject();
        product["id"] = productId;
        return new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = product };
    }
}
