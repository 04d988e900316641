namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// GDPR for lines: the export lists a person's orders, service orders, products, services and identity check; erasure
/// waits while a line of theirs is live or an order open, then leaves no identifier of their lines behind (MSISDN, IMSI,
/// ICCID, eSIM profile and activation code), while the orders stay as the record of what was sold.
/// </summary>
public sealed class LineDataErasure
{
    [Fact]
    public async Task ErasureWaitsForTheLinesToEndThenRemovesEveryLineIdentifier()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (partyId, customer) = await shop.CustomerAsync("Erin");
        var added = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"), msisdn: "+4915550006060")));
        var line = Shop.ProductOf(added);

        var export = (await customer.GetJsonAsync("/selfservice/me/export"))["modules"]!;
        Assert.Equal(line, export["inventory"]!["product"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(2, export["inventory"]!["service"]!.AsArray().Count);
        Assert.Equal(added.Id(), export["ordering"]!["productOrder"]![0]!["id"]!.GetValue<string>());
        Assert.Single(export["ordering"]!["serviceOrder"]!.AsArray());
        Assert.Equal("passed", export["ordering"]!["identityCheck"]!["status"]!.GetValue<string>());

        using (var refused = await customer.PostAsync("/selfservice/me/erasure", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("terminate it first", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line } }));
        using (var erased = await customer.PostAsync("/selfservice/me/erasure", null))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        }

        var product = await shop.Agent.GetJsonAsync($"{Shop.InventoryApi}/product/{line}");
        Assert.Equal("terminated", product["status"]!.GetValue<string>());
        Assert.Null(Shop.Characteristic(product, "msisdn"));
        Assert.Null(Shop.Characteristic(product, "imsi"));
        Assert.Null(Shop.Characteristic(product, "iccid"));
        foreach (var service in await shop.Agent.GetJsonArrayAsync($"/tmf-api/serviceInventory/v4/service?relatedEntity.id={line}"))
        {
            Assert.DoesNotContain(service!["serviceCharacteristic"]?.AsArray() ?? [], c => c!["name"]!.GetValue<string>() is "msisdn" or "imsi" or "iccid");
        }

        var orders = await shop.Agent.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder?relatedParty.id={partyId}");
        Assert.Equal(2, orders.Count); // the record of what was sold stays
        Assert.DoesNotContain("+4915550006060", orders.ToJsonString(), StringComparison.Ordinal);
        var serviceOrders = await shop.Agent.GetJsonArrayAsync($"/tmf-api/serviceOrdering/v4/serviceOrder?relatedParty.id={partyId}");
        Assert.DoesNotContain("4915550006060", serviceOrders.ToJsonString(), StringComparison.Ordinal);
        using (var code = await customer.GetAsync($"{Shop.InventoryApi}/product/{line}/esimActivation"))
        {
            Assert.Equal(HttpStatusCode.NotFound, code.StatusCode);
        }
    }

    [Fact]
    public async Task AFamilyMemberIsErasedFromTheLineTheyUseWhichStaysWholeForItsHolder()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (holderId, holder) = await shop.CustomerAsync("Hana");
        var (userId, user) = await shop.CustomerAsync("Ugo");
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(shop.Agent, Shop.FamilyLine(await shop.OfferingIdAsync("5G Start 10 GB"), holderId, userId)));

        // The live line is Hana's, not Ugo's: it does not stop his erasure.
        using (var erased = await user.PostAsync("/selfservice/me/erasure", null))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        }

        var product = await holder.GetJsonAsync($"{Shop.InventoryApi}/product/{line}");
        Assert.Equal([holderId], product["relatedParty"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
        Assert.NotNull(Shop.Characteristic(product, "msisdn"));
        Assert.StartsWith("LPA:1$", (await holder.GetJsonAsync($"{Shop.InventoryApi}/product/{line}/esimActivation"))["activationCode"]!.GetValue<string>(), StringComparison.Ordinal);
        using (var gone = await user.GetAsync($"{Shop.InventoryApi}/product/{line}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }
}
