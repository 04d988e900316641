namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// The billing account an order names (for the whole order, or per item) must be an open account the ordering
/// customer holds (TMF666 relatedParty role <c>owner</c>); it is copied onto the products. An account the caller may
/// not see answers like an unknown id, so ids cannot be probed.
/// </summary>
public sealed class OrderBillingAccount
{
    private const string AccountApi = "/tmf-api/accountManagement/v4";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnOrderIsBilledOnlyToAnOpenAccountOfItsCustomer(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var ann = await shop.CustomerAsync("Ann");
        var ben = await shop.CustomerAsync("Ben");
        var anns = await AccountAsync(shop, ann.PartyId, "Ann's account");
        var annsOld = await AccountAsync(shop, ann.PartyId, "Ann's old account");
        var bens = await AccountAsync(shop, ben.PartyId, "Ben's account");
        var paidByAnn = await AccountAsync(shop, ben.PartyId, "Ben's, paid by Ann", (ann.PartyId, "payer"));

        // Another customer's account answers exactly as an unknown one, at order level and per item.
        var foreign = await Shop.RefusedAsync(ann.Client, Billed(Shop.Order(Shop.Add("1", plus)), bens), 400, "REFERENCE_NOT_FOUND", "'billingAccount'");
        var unknown = await Shop.RefusedAsync(ann.Client, Billed(Shop.Order(Shop.Add("1", plus)), "no-such-account"), 400, "REFERENCE_NOT_FOUND", "'billingAccount'");
        Assert.Equal(foreign["message"]!.GetValue<string>().Replace(bens, "X", StringComparison.Ordinal), unknown["message"]!.GetValue<string>().Replace("no-such-account", "X", StringComparison.Ordinal));
        await Shop.RefusedAsync(ann.Client, Shop.Order(Shop.Add("1", plus), Billed(Shop.Add("line-2", plus), bens)), 400, "REFERENCE_NOT_FOUND", "productOrderItem[1] (id 'line-2')");

        // Care sees every account, so it is told why: the account is not the customer's, or it is closed.
        await Shop.RefusedAsync(shop.Agent, Billed(Shop.For(Shop.Order(Shop.Add("1", plus)), ann.PartyId), bens), 400, "BILLING_ACCOUNT_NOT_USABLE", "'billingAccount'");
        // Ann sees the account she pays for, but Ben holds it.
        await Shop.RefusedAsync(ann.Client, Billed(Shop.Order(Shop.Add("1", plus)), paidByAnn), 400, "BILLING_ACCOUNT_NOT_USABLE", "not held by the ordering customer");
        await CloseAsync(shop, annsOld);
        await Shop.RefusedAsync(ann.Client, Shop.Order(Billed(Shop.Add("1", plus), annsOld)), 400, "BILLING_ACCOUNT_NOT_USABLE", "productOrderItem[0] (id '1')");
        Assert.Empty(await ann.Client.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder"));

        // Her own open account is accepted and copied onto the product; an item's own account wins over the order's.
        var boost = await shop.OfferingIdAsync("Data Boost +20 GB");
        var reliesOnPlan = new JsonArray(new JsonObject { ["id"] = "plan", ["relationshipType"] = "reliesOn" });
        var annsSecond = await AccountAsync(shop, ann.PartyId, "Ann's data account");
        var done = await shop.OrderAndCompleteAsync(ann.Client,
            Billed(Shop.Order(Shop.Add("plan", plus), Billed(Shop.Add("boost", boost, relationships: reliesOnPlan), annsSecond)), anns));
        Assert.Equal(anns, done["billingAccount"]!.Id());
        var line = await ann.Client.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(done, 0)}");
        Assert.Equal(anns, line["billingAccount"]!.Id());
        Assert.EndsWith($"{AccountApi}/billingAccount/{anns}", line["billingAccount"]!["href"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(annsSecond, (await ann.Client.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(done, 1)}"))["billingAccount"]!.Id());
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnOrderThatNamesNoAccountIsBilledToTheCustomersOnlyOpenAccount(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");

        // A customer without any account yet (one registered by an agent) still orders, billed to no account.
        var cy = await shop.CustomerAsync("Cy");
        var unbilled = await shop.OrderAndCompleteAsync(cy.Client, Shop.Order(Shop.Add("1", plus)));
        Assert.Null(unbilled["billingAccount"]);

        var closed = await AccountAsync(shop, cy.PartyId, "Cy's closed account");
        await CloseAsync(shop, closed);
        var open = await AccountAsync(shop, cy.PartyId, "Cy's account");
        var done = await shop.OrderAndCompleteAsync(cy.Client, Shop.Order(Shop.Add("1", plus)));
        Assert.Equal(open, done["billingAccount"]!.Id());
        Assert.Equal(open, (await cy.Client.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(done)}"))["billingAccount"]!.Id());

        // With two open accounts the customer must say which one.
        await AccountAsync(shop, cy.PartyId, "Cy's second account");
        await Shop.RefusedAsync(cy.Client, Shop.Order(Shop.Add("1", plus)), 400, "MISSING_ATTRIBUTE", "'billingAccount'");
        Assert.Empty(shop.Problems);
    }

    private static async Task<string> AccountAsync(Shop shop, string holder, string name, params (string PartyId, string Role)[] others)
    {
        var parties = new JsonArray(new JsonObject { ["id"] = holder, ["name"] = "Holder", ["role"] = "owner", ["@referredType"] = "Individual" });
        foreach (var (partyId, role) in others)
        {
            parties.Add(new JsonObject { ["id"] = partyId, ["name"] = role, ["role"] = role, ["@referredType"] = "Individual" });
        }

        return (await shop.Agent.PostJsonAsync($"{AccountApi}/billingAccount", new JsonObject { ["name"] = name, ["relatedParty"] = parties })).Id();
    }

    private static async Task CloseAsync(Shop shop, string accountId)
    {
        using var closed = await shop.Agent.PatchAsync($"{AccountApi}/billingAccount/{accountId}",
            TmfHttp.Json(new JsonObject { ["state"] = "closed" }, "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
    }

    private static JsonObject Billed(JsonObject orderOrItem, string accountId)
    {
        orderOrItem["billingAccount"] = new JsonObject { ["id"] = accountId };
        return orderOrItem;
    }
}
