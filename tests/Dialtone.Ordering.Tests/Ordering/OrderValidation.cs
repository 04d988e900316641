namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>Every refusal on submit is a clear 4xx naming the item, and nothing is stored or reserved.</summary>
public sealed class OrderValidation : IAsyncLifetime
{
    private Shop shop = null!;
    private string plus = "";
    private (string PartyId, HttpClient Client) ann;
    private (string PartyId, HttpClient Client) ben;

    public async Task InitializeAsync()
    {
        shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        ann = await shop.CustomerAsync("Ann");
        ben = await shop.CustomerAsync("Ben");
    }

    public async Task DisposeAsync() => await shop.DisposeAsync();

    [Fact]
    public async Task AnUnknownOfferingIsRefusedNamingTheItem() =>
        await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add("1", plus), Shop.Add("line-2", "no-such-offering")), 400, "OFFERING_NOT_FOUND", "productOrderItem[1] (id 'line-2')");

    [Fact]
    public async Task AnOfferingNotLaunchedIsRefused()
    {
        var line = (await shop.App.CreateClient().GetJsonAsync($"{Shop.CatalogApi}/productOffering/{plus}"))["productSpecification"]!["id"]!.GetValue<string>();
        var draft = await shop.App.ProductManager().PostJsonAsync($"{Shop.CatalogApi}/productOffering", new JsonObject
        {
            ["name"] = "5G Draft", ["lifecycleStatus"] = "In design", ["productSpecification"] = new JsonObject { ["id"] = line },
        });
        await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add("1", draft.Id())), 400, "OFFERING_NOT_ORDERABLE", "'5G Draft' cannot be ordered now (status In design)");
    }

    [Fact]
    public async Task APriceOfAnotherOfferingIsRefused()
    {
        var max = await shop.App.CreateClient().GetJsonAsync($"{Shop.CatalogApi}/productOffering/{await shop.OfferingIdAsync("5G Max 120 GB")}");
        var item = Shop.Add("1", plus);
        item["itemPrice"] = new JsonArray(new JsonObject { ["productOfferingPrice"] = new JsonObject { ["id"] = max["productOfferingPrice"]![0]!["id"]!.GetValue<string>() } });
        await Shop.RefusedAsync(ann.Client, Shop.Order(item), 400, "PRICE_NOT_IN_OFFERING", "itemPrice[0]");
    }

    [Fact]
    public async Task AnAddOnWithoutItsBasePlanIsRefused() =>
        await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("Data Boost +5 GB"))), 400, "ADD_ON_REQUIRES_BASE_PLAN", "productOrderItem[0]");

    [Fact]
    public async Task AnAddOnOrderedWithItsPlanInTheSameOrderIsAccepted()
    {
        var order = Shop.Order(Shop.Add("plan", plus),
            Shop.Add("boost", await shop.OfferingIdAsync("Data Boost +20 GB"), relationships: new JsonArray(new JsonObject { ["id"] = "plan", ["relationshipType"] = "reliesOn" })));
        var done = await shop.OrderAndCompleteAsync(ann.Client, order);
        var boost = await ann.Client.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(done, 1)}");
        Assert.Equal(Shop.ProductOf(done, 0), boost["productRelationship"]![0]!["product"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChangingAProductOfAnotherCustomerIsRefusedAsIfItDidNotExist()
    {
        var bens = await shop.OrderAndCompleteAsync(ben.Client, Shop.Order(Shop.Add("1", plus)));
        var terminate = new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = Shop.ProductOf(bens) } };
        var refusal = await Shop.RefusedAsync(ann.Client, Shop.Order(terminate), 400, "PRODUCT_NOT_OWNED", "does not exist or is not the ordering customer's");
        var unknown = new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = Guid.NewGuid().ToString() } };
        var unknownRefusal = await Shop.RefusedAsync(ann.Client, Shop.Order(unknown), 400, "PRODUCT_NOT_OWNED", "does not exist or is not the ordering customer's");
        Assert.Equal(refusal["code"]!.GetValue<string>(), unknownRefusal["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ACustomerCannotOrderForSomebodyElse() =>
        await Shop.RefusedAsync(ann.Client, Shop.For(Shop.Order(Shop.Add("1", plus)), ben.PartyId), 400, "CUSTOMER_MISMATCH", "relatedParty[0]");

    [Fact]
    public async Task AnAgentMustSayWhoTheCustomerIs()
    {
        await Shop.RefusedAsync(shop.Agent, Shop.Order(Shop.Add("1", plus)), 400, "MISSING_CUSTOMER", "role 'customer'");
        await Shop.RefusedAsync(shop.Agent, Shop.For(Shop.Order(Shop.Add("1", plus)), Guid.NewGuid().ToString()), 400, "REFERENCE_NOT_FOUND", "relatedParty[0]");
        var placed = await shop.Agent.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.For(Shop.Order(Shop.Add("1", plus)), ann.PartyId));
        await shop.WaitForStateAsync(ann.Client, placed.Id(), "completed");
    }

    [Fact]
    public async Task WhatTheServerDecidesCannotBeGiven()
    {
        var order = Shop.Order(Shop.Add("1", plus));
        order["state"] = "completed";
        await Shop.RefusedAsync(ann.Client, order, 400, "READ_ONLY_ATTRIBUTE", "'state'");
        var twice = Shop.Order(Shop.Add("1", plus));
        twice["productOrderItem"]![0]!["quantity"] = 2;
        await Shop.RefusedAsync(ann.Client, twice, 400, "INVALID_QUANTITY", "productOrderItem[0]");
        await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add("1", plus), Shop.Add("1", plus)), 400, "DUPLICATE_ITEM_ID", "'1'");
        await Shop.RefusedAsync(ann.Client, new JsonObject { ["productOrderItem"] = new JsonArray() }, 400, "MISSING_ATTRIBUTE", "productOrderItem");
        var noId = Shop.Add("1", plus);
        noId["id"] = null;
        await Shop.RefusedAsync(ann.Client, Shop.Order(noId), 400, "MISSING_ATTRIBUTE", "productOrderItem[0]");
        foreach (var badId in new[] { "", "line\nbreak", "a b", new string('x', 65), "é" })
        {
            await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add(badId, plus)), 400, "INVALID_VALUE", "productOrderItem[0]");
        }

        var action = Shop.Add("1", plus);
        action["action"] = "upgrade";
        await Shop.RefusedAsync(ann.Client, Shop.Order(action), 400, "INVALID_ACTION", "productOrderItem[0]");
    }

    [Fact]
    public async Task ANumberOutsideThePoolOrAlreadyTakenIsRefusedAndARefusedOrderReservesNothing()
    {
        await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add("1", plus, msisdn: "+353861234567")), 400, "NUMBER_NOT_IN_POOL", "productOrderItem[0]");
        // The first item's number is reserved while judging, then the second item is refused: the reservation must not survive.
        await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add("1", plus, msisdn: "+4915550009999"), Shop.Add("2", "no-such-offering")), 400, "OFFERING_NOT_FOUND", "productOrderItem[1]");
        await shop.OrderAndCompleteAsync(ann.Client, Shop.Order(Shop.Add("1", plus, msisdn: "+4915550009999")));
        await Shop.RefusedAsync(ben.Client, Shop.Order(Shop.Add("1", plus, msisdn: "+4915550009999")), 409, "NUMBER_NOT_AVAILABLE", "productOrderItem[0]");
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task AProductWithAnOpenOrderCannotBeChangedByAnotherUntilItCompletes()
    {
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(ann.Client, Shop.Order(Shop.Add("1", plus))));
        shop.Network.Hold(Provisioning.ProvisioningOperations.SuspendSubscriber);
        var suspend = await ann.Client.PostJsonAsync($"{Shop.OrderApi}/productOrder",
            Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = line, ["status"] = "suspended" } }));
        var terminate = Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line } });
        await Shop.RefusedAsync(ann.Client, terminate, 409, "PRODUCT_CHANGE_IN_PROGRESS", suspend.Id());
        shop.Network.Release(Provisioning.ProvisioningOperations.SuspendSubscriber);
        await shop.WaitForStateAsync(ann.Client, suspend.Id(), "completed");
        await shop.OrderAndCompleteAsync(ann.Client, terminate);
    }
}
