using Dialtone.Ordering.Provisioning;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>A down network makes orders wait in inProgress; they finish when it returns, and fail (undoing what was done) after the retry budget.</summary>
public sealed class NetworkOutage
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task OrdersWaitForADownNetworkAndFinishWhenItReturns(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.NetworkDown = true;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Plus 40 GB"))));
        while (shop.Network.Count(ProvisioningOperations.CreateSubscriber) < 5)
        {
            await Task.Delay(10);
        }

        Assert.Equal("inProgress", (await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{placed.Id()}"))["state"]!.GetValue<string>());
        shop.Network.NetworkDown = false;
        var completed = await shop.WaitForStateAsync(customer, placed.Id(), "completed", "failed");
        Assert.Equal("completed", completed["state"]!.GetValue<string>());
        Assert.Single(shop.Network.Subscribers);
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AfterTheRetryBudgetTheOrderFailsWithItsReasonAndWhatWasDoneIsUndone(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database, new Dictionary<string, string?> { ["Dialtone:Ordering:MaxStepAttempts"] = "3" });
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.SmdpDown = true;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Plus 40 GB"), msisdn: "+4915550007777")));

        var failed = await shop.WaitForStateAsync(customer, placed.Id(), "failed");
        Assert.Equal(3, shop.Network.Count(ProvisioningOperations.PrepareProfile));
        Assert.Contains("prepareProfile on the smdp did not succeed after 3 attempts", failed["note"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("failed", failed["productOrderItem"]![0]!["state"]!.GetValue<string>());
        Assert.Empty(shop.Network.Subscribers);
        Assert.Empty(await customer.GetJsonArrayAsync($"{Shop.InventoryApi}/product"));

        shop.Network.SmdpDown = false;
        await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Plus 40 GB"), msisdn: "+4915550007777")));
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AWaitingOrderLeavesTheDownSystemAloneUntilItsRetryIsDueAndCanStillBeCancelledAtOnce(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database, new Dictionary<string, string?> { ["Dialtone:Ordering:FirstRetryDelay"] = "01:00:00", ["Dialtone:Ordering:MaxRetryDelay"] = "01:00:00" });
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.NetworkDown = true;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        await shop.Network.Reached(ProvisioningOperations.CreateSubscriber);

        // The next try is an hour away: however often the order is looked at meanwhile, the network is not called again.
        for (var look = 0; look < 20; look++)
        {
            Assert.Equal("inProgress", (await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{placed.Id()}"))["state"]!.GetValue<string>());
            await Task.Delay(25);
        }

        Assert.Equal(1, shop.Network.Count(ProvisioningOperations.CreateSubscriber));
        await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = placed.Id() } });
        var cancelled = await shop.WaitForStateAsync(customer, placed.Id(), "cancelled");
        Assert.Equal("beforePointOfNoReturn", cancelled["cancellationMode"]!.GetValue<string>());
        Assert.Equal(1, shop.Network.Count(ProvisioningOperations.CreateSubscriber));
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task AfterTheRetryBudgetAStepThatMayHaveActedIsUndoneToo()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Dialtone:Ordering:MaxStepAttempts"] = "2" });
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.LoseAnswerOf = ProvisioningOperations.PrepareProfile; // the SM-DP+ prepares the profile; its answers are lost
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        var failed = await shop.WaitForStateAsync(customer, placed.Id(), "failed");
        Assert.Contains("did not succeed after 2 attempts", failed["note"]![0]!["text"]!.GetValue<string>());
        Assert.Empty(shop.Network.Profiles);
        Assert.Empty(shop.Network.Subscribers);
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task AStepThatCannotBeUndoneComesLastSoARefusalBeforeItLeavesTheLineWithItsOldEsim()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB")))));
        var oldIccid = Assert.Single(shop.Network.Profiles.Keys);

        // One order swaps the SIM (new profile, then the old one deleted: not undoable) and adds a boost, which is refused.
        shop.Network.RefuseOperation = ProvisioningOperations.ActivateService;
        var swap = new JsonObject
        {
            ["id"] = "1", ["action"] = "modify",
            ["product"] = new JsonObject { ["id"] = line, ["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "simSwap", ["value"] = true }) },
        };
        var boost = Shop.Add("2", await shop.OfferingIdAsync("Data Boost +5 GB"), product: new JsonObject
        {
            ["productRelationship"] = new JsonArray(new JsonObject { ["relationshipType"] = "addOnTo", ["product"] = new JsonObject { ["id"] = line } }),
        });
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(swap, boost));
        var failed = await shop.WaitForStateAsync(customer, placed.Id(), "failed");
        Assert.Contains("activateService was refused", failed["note"]![0]!["text"]!.GetValue<string>());
        Assert.Equal([oldIccid], shop.Network.Profiles.Keys);
        Assert.Equal(oldIccid, Shop.Characteristic(await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}"), "iccid"));
    }

    [Fact]
    public async Task ARefusalPastThePointOfNoReturnUndoesNothingAndSaysAnOperatorMustFinish()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB")))));
        shop.Network.RefuseOperation = ProvisioningOperations.DeleteProfile;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(new JsonObject
        {
            ["id"] = "1", ["action"] = "modify",
            ["product"] = new JsonObject { ["id"] = line, ["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "simSwap", ["value"] = true }) },
        }));
        var failed = await shop.WaitForStateAsync(customer, placed.Id(), "failed");
        Assert.Contains(failed["note"]!.AsArray(), n => n!["text"]!.GetValue<string>().Contains("nothing was undone", StringComparison.Ordinal));
        Assert.Equal(2, shop.Network.Profiles.Count); // the new eSIM is kept: deleting it would leave the line with none
        Assert.Equal(1, shop.Network.Count(ProvisioningOperations.DeleteProfile)); // the refused deletion of the old one, not retried, not undone
    }

    [Fact]
    public async Task ARefusalFailsTheOrderAtOnce()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.RefuseOperation = ProvisioningOperations.PrepareProfile;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        var failed = await shop.WaitForStateAsync(customer, placed.Id(), "failed");
        Assert.Contains("refused by the smdp", failed["note"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(1, shop.Network.Count(ProvisioningOperations.PrepareProfile));
        Assert.Empty(shop.Network.Subscribers);
    }
}
