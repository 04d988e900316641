namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>Who may see and change orders, cancellations and products, and bad input on every ordering and inventory endpoint: a clear 4xx, never a 500.</summary>
public sealed class OrderingAccessAndBadInput
{
    [Fact]
    public async Task EachCustomerAndPartnerSeesOnlyTheirOwnOrdersAndProducts()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var ann = await shop.CustomerAsync("Ann");
        var ben = await shop.CustomerAsync("Ben");
        var annOrder = await shop.OrderAndCompleteAsync(ann.Client, Shop.Order(Shop.Add("1", plus)));
        var annProduct = Shop.ProductOf(annOrder);

        foreach (var path in new[] { $"{Shop.OrderApi}/productOrder/{annOrder.Id()}", $"{Shop.InventoryApi}/product/{annProduct}" })
        {
            using var response = await ben.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Empty(await ben.Client.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder"));
        Assert.Empty(await ben.Client.GetJsonArrayAsync($"{Shop.InventoryApi}/product"));
        Assert.Single(await ann.Client.GetJsonArrayAsync($"{Shop.InventoryApi}/product"));
        Assert.Single(await shop.Agent.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder?relatedParty.id={ann.PartyId}"));
        using (var cancel = await ben.Client.PostAsync($"{Shop.OrderApi}/cancelProductOrder", TmfHttp.Json(new JsonObject { ["productOrder"] = new JsonObject { ["id"] = annOrder.Id() } })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, cancel.StatusCode);
            Assert.Contains("REFERENCE_NOT_FOUND", await cancel.Content.ReadAsStringAsync());
        }

        // A partner orders for a customer it registered, follows its own orders, and sees nobody else's.
        var partner = shop.App.ClientAs("partner-x", "partner");
        var pat = await partner.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = "Pat", ["familyName"] = "Partner" });
        await Shop.PassIdentityCheckAsync(partner, pat.Id());
        var patOrder = await partner.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.For(Shop.Order(Shop.Add("1", plus)), pat.Id()));
        var patDone = await shop.WaitForStateAsync(partner, patOrder.Id(), "completed");
        Assert.Equal("active", (await partner.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(patDone)}"))["status"]!.GetValue<string>());
        Assert.Equal([patOrder.Id()], (await partner.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder")).Select(o => o!.Id()));
        using (var other = await partner.GetAsync($"{Shop.OrderApi}/productOrder/{annOrder.Id()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using (var forAnn = await partner.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(Shop.For(Shop.Order(Shop.Add("1", plus)), ann.PartyId))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forAnn.StatusCode);
            Assert.Contains("REFERENCE_NOT_FOUND", await forAnn.Content.ReadAsStringAsync());
        }

        using var anonymous = await shop.App.CreateClient().GetAsync($"{Shop.OrderApi}/productOrder");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var productManager = await shop.App.ProductManager().PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(Shop.Order(Shop.Add("1", plus))));
        Assert.Equal(HttpStatusCode.Forbidden, productManager.StatusCode);
        Assert.Empty(shop.App.Errors.UnhandledRequests);
    }

    [Fact]
    public async Task TheUserOfALineSeesItButOnlyItsHolderChangesEndsOrSwapsIt()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (holderId, holder) = await shop.CustomerAsync("Hana");
        var (userId, user) = await shop.CustomerAsync("Ugo");

        // An agent orders a line held by Hana and used by Ugo (a family member's line).
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(shop.Agent, Shop.FamilyLine(await shop.OfferingIdAsync("5G Start 10 GB"), holderId, userId)));
        Assert.Equal("active", (await user.GetJsonAsync($"{Shop.InventoryApi}/product/{line}"))["status"]!.GetValue<string>());

        var attempts = new[]
        {
            new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line } },
            new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = line, ["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "simSwap", ["value"] = true }) } },
            new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = line, ["status"] = "suspended" } },
            Shop.Add("1", await shop.OfferingIdAsync("Data Boost +5 GB"), product: new JsonObject { ["productRelationship"] = new JsonArray(new JsonObject { ["relationshipType"] = "addOnTo", ["product"] = new JsonObject { ["id"] = line } }) }),
        };
        foreach (var attempt in attempts)
        {
            using var refused = await user.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(Shop.Order(attempt)));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("PRODUCT_NOT_OWNED", await refused.Content.ReadAsStringAsync());
        }

        await shop.OrderAndCompleteAsync(holder, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line } }));
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task OrdersChangeOnlyInWhatDescribesThemAndAreNeverDeleted()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        var done = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        var path = $"{Shop.OrderApi}/productOrder/{done.Id()}";

        var described = await shop.Agent.PatchAsync(path, TmfHttp.Json(new JsonObject { ["description"] = "Called the customer about delivery" }, "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        await Expect(shop.Agent.PatchAsync(path, TmfHttp.Json(new JsonObject { ["state"] = "cancelled" }, "application/merge-patch+json")), HttpStatusCode.BadRequest, "READ_ONLY_ATTRIBUTE");
        await Expect(shop.Agent.PatchAsync(path, TmfHttp.Json(new JsonObject { ["productOrderItem"] = new JsonArray() }, "application/merge-patch+json")), HttpStatusCode.BadRequest, "ATTRIBUTE_NOT_WRITABLE");
        await Expect(customer.PatchAsync(path, TmfHttp.Json(new JsonObject { ["description"] = "mine" }, "application/merge-patch+json")), HttpStatusCode.Forbidden, "");
        await Expect(shop.Agent.DeleteAsync(path), HttpStatusCode.Conflict, "ORDER_IS_A_RECORD");
        await Expect(shop.Agent.PostAsync($"{Shop.InventoryApi}/product", TmfHttp.Json(new JsonObject { ["status"] = "active" })), HttpStatusCode.MethodNotAllowed, "");
        Assert.Empty(shop.App.Errors.UnhandledRequests);
    }

    [Fact]
    public async Task MalformedWrongTypedMissingUnknownAndOversizedInputIsA4xxNeverA500()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var orders = $"{Shop.OrderApi}/productOrder";
        var cancels = $"{Shop.OrderApi}/cancelProductOrder";
        foreach (var path in new[] { orders, cancels })
        {
            await Expect(customer.PostAsync(path, TmfHttp.Json("{\"productOrderItem\": [")), HttpStatusCode.BadRequest, "");
            await Expect(customer.PostAsync(path, TmfHttp.Json("[]")), HttpStatusCode.BadRequest, "");
            await Expect(customer.PostAsync(path, TmfHttp.Json("{}")), HttpStatusCode.BadRequest, "");
            await Expect(customer.PostAsync(path, new StringContent("productOrderItem=1", System.Text.Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "");
            await Expect(customer.PostAsync(path, TmfHttp.Json($"{{\"description\": \"{new string('x', 2 * 1024 * 1024)}\"}}")), HttpStatusCode.RequestEntityTooLarge, "");
            await Expect(customer.GetAsync($"{path}/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "");
        }

        await Expect(customer.PostAsync(orders, TmfHttp.Json("{\"productOrderItem\": \"one plan\"}")), HttpStatusCode.BadRequest, "");
        await Expect(customer.PostAsync(orders, TmfHttp.Json("{\"productOrderItem\": [{\"action\": \"add\"}]}")), HttpStatusCode.BadRequest, "");
        await Expect(customer.PostAsync(orders, TmfHttp.Json("{\"productOrderItem\": [{\"id\": \"1\", \"action\": \"add\", \"quantity\": \"two\"}]}")), HttpStatusCode.BadRequest, "");
        await Expect(customer.PostAsync(orders, TmfHttp.Json("{\"productOrderItem\": [null]}")), HttpStatusCode.BadRequest, "");
        await Expect(customer.PostAsync(orders, TmfHttp.Json("{\"productOrderItem\": [{\"id\": \"1\", \"action\": \"add\"}]}")), HttpStatusCode.BadRequest, "MISSING_ATTRIBUTE");
        var wrongCharacteristic = Shop.Add("1", plus);
        wrongCharacteristic["product"] = new JsonObject { ["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "msisdn", ["value"] = 4915550001 }) };
        await Expect(customer.PostAsync(orders, TmfHttp.Json(Shop.Order(wrongCharacteristic))), HttpStatusCode.BadRequest, "INVALID_CHARACTERISTIC");
        await Expect(customer.PostAsync(cancels, TmfHttp.Json("{\"productOrder\": {\"id\": 7}}")), HttpStatusCode.BadRequest, "");
        await Expect(customer.PostAsync(cancels, TmfHttp.Json($"{{\"productOrder\": {{\"id\": \"{Guid.NewGuid()}\"}}}}")), HttpStatusCode.BadRequest, "REFERENCE_NOT_FOUND");
        await Expect(customer.GetAsync($"{Shop.InventoryApi}/product/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "");
        await Expect(customer.GetAsync($"{Shop.InventoryApi}/product?status.gt=x"), HttpStatusCode.BadRequest, "");
        await Expect(customer.GetAsync($"{orders}?orderDate.gt=yesterday"), HttpStatusCode.BadRequest, "");
        Assert.Empty(shop.App.Errors.UnhandledRequests);
        Assert.Empty(await shop.Agent.GetJsonArrayAsync(orders));
    }

    private static async Task Expect(Task<HttpResponseMessage> call, HttpStatusCode status, string code)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} instead of {(int)status}: {body}");
        Assert.Contains(code, body);
    }
}
