using Dialtone.Ordering.Provisioning;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>TMF622 cancelProductOrder before and after the point of no return (the first network step that succeeded).</summary>
public sealed class OrderCancellation
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnOrderWaitingForTheNetworkIsWithdrawnAndItsNumberFreed(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        shop.Network.NetworkDown = true;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus, msisdn: "+4915550004242")));
        await shop.WaitForStateAsync(customer, placed.Id(), "inProgress");
        await shop.Network.Reached(ProvisioningOperations.CreateSubscriber);

        var cancel = await shop.Agent.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject
        {
            ["productOrder"] = new JsonObject { ["id"] = placed.Id() }, ["cancellationReason"] = "Customer changed their mind",
        });
        Assert.Equal("inProgress", cancel["state"]!.GetValue<string>());
        var cancelled = await shop.WaitForStateAsync(customer, placed.Id(), "cancelled");
        Assert.Equal("beforePointOfNoReturn", cancelled["cancellationMode"]!.GetValue<string>());
        Assert.Equal("Customer changed their mind", cancelled["cancellationReason"]!.GetValue<string>());
        Assert.NotNull(cancelled["cancellationDate"]);
        Assert.Contains("assessingCancellation", cancelled["stateChange"]!.AsArray().Select(s => s!["state"]!.GetValue<string>()));
        Assert.Equal("done", (await shop.Agent.GetJsonAsync($"{Shop.OrderApi}/cancelProductOrder/{cancel.Id()}"))["state"]!.GetValue<string>());
        Assert.Empty(shop.Network.Subscribers);

        shop.Network.NetworkDown = false;
        await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", plus, msisdn: "+4915550004242")));
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnOrderPastThePointOfNoReturnIsCancelledByUndoingWhatTheNetworkDid(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.Hold(ProvisioningOperations.PrepareProfile);
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        await shop.Network.Reached(ProvisioningOperations.PrepareProfile);
        Assert.Single(shop.Network.Subscribers);

        // The customer cancels their own order while the eSIM profile is being prepared.
        var cancel = await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = placed.Id() } });
        var pending = await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{placed.Id()}");
        Assert.Equal("pendingCancellation", pending["state"]!.GetValue<string>());
        shop.Network.Release(ProvisioningOperations.PrepareProfile);

        var cancelled = await shop.WaitForStateAsync(customer, placed.Id(), "cancelled");
        Assert.Equal("compensated", cancelled["cancellationMode"]!.GetValue<string>());
        Assert.Empty(shop.Network.Subscribers);
        Assert.Empty(shop.Network.Profiles);
        Assert.Equal(1, shop.Network.Count(ProvisioningOperations.DeleteSubscriber));
        Assert.Equal("done", (await customer.GetJsonAsync($"{Shop.OrderApi}/cancelProductOrder/{cancel.Id()}"))["state"]!.GetValue<string>());
        Assert.Empty(await customer.GetJsonArrayAsync($"{Shop.InventoryApi}/product"));
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AStepThatMayHaveActedIsUndoneWhenTheOrderIsCancelled(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.LoseAnswerOf = ProvisioningOperations.CreateSubscriber; // the network creates the line, the answer never arrives
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        await shop.Network.Reached(ProvisioningOperations.CreateSubscriber);
        Assert.Single(shop.Network.Subscribers);

        await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = placed.Id() } });
        var cancelled = await shop.WaitForStateAsync(customer, placed.Id(), "cancelled");
        Assert.Equal("compensated", cancelled["cancellationMode"]!.GetValue<string>());
        Assert.Empty(shop.Network.Subscribers);
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task AStepRefusedWhileTheOrderIsBeingCancelledEndsInTheCancellationTheCustomerAskedFor()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.Hold(ProvisioningOperations.PrepareProfile);
        shop.Network.RefuseOperation = ProvisioningOperations.PrepareProfile;
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        await shop.Network.Reached(ProvisioningOperations.PrepareProfile);

        await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = placed.Id() } });
        shop.Network.Release(ProvisioningOperations.PrepareProfile);
        var ended = await shop.WaitForStateAsync(customer, placed.Id(), "cancelled", "failed");
        Assert.Equal("cancelled", ended["state"]!.GetValue<string>());
        Assert.Equal("compensated", ended["cancellationMode"]!.GetValue<string>());
        Assert.Empty(shop.Network.Subscribers);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnOrderThatStartedAStepWhichCannotBeUndoneCannotBeCancelled(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var line = (await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB")))))["productOrderItem"]![0]!["product"]!["id"]!.GetValue<string>();

        // Terminating deletes the subscriber (undoable: it can be created again), then the eSIM profile (not undoable).
        shop.Network.Hold(ProvisioningOperations.DeleteProfile);
        var terminate = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line } }));
        await shop.Network.Reached(ProvisioningOperations.DeleteProfile);
        using var refused = await customer.PostAsync($"{Shop.OrderApi}/cancelProductOrder", TmfHttp.Json(new JsonObject { ["productOrder"] = new JsonObject { ["id"] = terminate.Id() } }));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("point of no return", await refused.Content.ReadAsStringAsync());

        shop.Network.Release(ProvisioningOperations.DeleteProfile);
        var done = await shop.WaitForStateAsync(customer, terminate.Id(), "completed", "cancelled", "failed");
        Assert.Equal("completed", done["state"]!.GetValue<string>());
        Assert.Contains(done["note"]!.AsArray(), n => n!["text"]!.GetValue<string>().Contains("point of no return", StringComparison.Ordinal));
        Assert.Empty(shop.Network.Subscribers);
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task AnUndoTheNetworkRefusesIsLeftInTheOrdersNotesForAnOperator()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        shop.Network.Hold(ProvisioningOperations.PrepareProfile);
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        await shop.Network.Reached(ProvisioningOperations.PrepareProfile);
        await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = placed.Id() } });
        shop.Network.RefuseOperation = ProvisioningOperations.DeleteSubscriber;
        shop.Network.Release(ProvisioningOperations.PrepareProfile);

        var cancelled = await shop.WaitForStateAsync(customer, placed.Id(), "cancelled");
        Assert.Contains(cancelled["note"]!.AsArray(), n => n!["text"]!.GetValue<string>().StartsWith("Undoing createSubscriber with deleteSubscriber was refused", StringComparison.Ordinal));
        Assert.Single(shop.Network.Subscribers); // left on the network, and said so
        Assert.Empty(shop.Network.Profiles);
        Assert.Contains(shop.Problems, p => p.Contains("an operator must clean up the provisioning system", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACompletedOrderCannotBeCancelled()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync();
        var done = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        using var response = await shop.Agent.PostAsync($"{Shop.OrderApi}/cancelProductOrder", TmfHttp.Json(new JsonObject { ["productOrder"] = new JsonObject { ["id"] = done.Id() } }));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("ORDER_NOT_CANCELLABLE", await response.Content.ReadAsStringAsync());
        Assert.Empty(await shop.Agent.GetJsonArrayAsync($"{Shop.OrderApi}/cancelProductOrder"));
    }
}
