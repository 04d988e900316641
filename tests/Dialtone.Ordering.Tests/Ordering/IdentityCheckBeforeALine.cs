namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>A customer's first line waits (pending) for their identity check; the simulated rule is documented in the README.</summary>
public sealed class IdentityCheckBeforeALine
{
    [Fact]
    public async Task AnOrderWaitsPendingForTheCheckAndGoesOnWhenItPasses()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, customer) = await shop.CustomerAsync("Ida", identityChecked: false);
        var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Plus 40 GB"))));
        Assert.Equal("pending", placed["state"]!.GetValue<string>());
        Assert.Equal(["acknowledged", "pending"], placed["stateChange"]!.AsArray().Select(s => s!["state"]!.GetValue<string>()));
        Assert.Contains("identityCheck", placed["note"]![0]!["text"]!.GetValue<string>());
        Assert.Empty(shop.Network.Calls);

        // Under 18, then a document reported lost: refused with the reason, the order keeps waiting.
        await ExpectRefusalAsync(customer, Shop.IdentityDocument(null, "X1234567", "2010-01-01"), "18 or older");
        await ExpectRefusalAsync(customer, Shop.IdentityDocument(null, "X1234000", "1990-01-01"), "lost or stolen");
        Assert.Equal("pending", (await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{placed.Id()}"))["state"]!.GetValue<string>());

        var passed = await Shop.PassIdentityCheckAsync(customer, null);
        Assert.Equal("passed", passed["status"]!.GetValue<string>());
        Assert.Equal(1, passed["ordersReleased"]!.GetValue<int>());
        var done = await shop.WaitForStateAsync(customer, placed.Id(), "completed");
        Assert.Equal(["acknowledged", "pending", "inProgress", "completed"], done["stateChange"]!.AsArray().Select(s => s!["state"]!.GetValue<string>()));

        // Checked once: the next line does not wait.
        var second = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB"))));
        Assert.Equal("acknowledged", second["state"]!.GetValue<string>());
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task ThreeFailedChecksFailTheWaitingOrdersAndAPendingOrderCanBeCancelled()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (party, customer) = await shop.CustomerAsync("Ivo", identityChecked: false);
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var first = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus, msisdn: "+4915550006060")));
        var second = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus)));
        await customer.PostJsonAsync($"{Shop.OrderApi}/cancelProductOrder", new JsonObject { ["productOrder"] = new JsonObject { ["id"] = second.Id() } });
        Assert.Equal("beforePointOfNoReturn", (await shop.WaitForStateAsync(customer, second.Id(), "cancelled"))["cancellationMode"]!.GetValue<string>());

        for (var attempt = 0; attempt < 3; attempt++)
        {
            // An agent checks on the customer's behalf, in a shop.
            await ExpectRefusalAsync(shop.Agent, Shop.IdentityDocument(party, "Z99999000", "1980-02-29"), "lost or stolen");
        }

        var failed = await shop.WaitForStateAsync(customer, first.Id(), "failed");
        Assert.Contains("identity could not be verified", failed["note"]!.AsArray().Last()!["text"]!.GetValue<string>());
        Assert.Empty(shop.Network.Calls);
        // Its number went back to the pool.
        var (_, other) = await shop.CustomerAsync("Ola");
        await shop.OrderAndCompleteAsync(other, Shop.Order(Shop.Add("1", plus, msisdn: "+4915550006060")));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnOrderWaitingLongerThanThePendingIdentityTimeoutFailsAndGivesItsNumbersBack(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync("Uma", identityChecked: false);
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var old = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus, msisdn: "+4915550007070")));
        Assert.Equal("pending", old["state"]!.GetValue<string>());

        // 29 days on, a second order starts waiting; two more days and only the first has waited past the 30 days.
        shop.App.Clock.Advance(TimeSpan.FromDays(29));
        var recent = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus)));
        shop.App.Clock.Advance(TimeSpan.FromDays(2));
        var failed = await shop.WaitForStateAsync(customer, old.Id(), "failed");
        Assert.Contains("identity was not checked within 30 days", failed["note"]!.AsArray().Last()!["text"]!.GetValue<string>());
        Assert.Equal("pending", (await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{recent.Id()}"))["state"]!.GetValue<string>());
        Assert.Empty(shop.Network.Calls);

        // The number it held can be ordered again.
        var (_, other) = await shop.CustomerAsync("Ulf");
        await shop.OrderAndCompleteAsync(other, Shop.Order(Shop.Add("1", plus, msisdn: "+4915550007070")));
        Assert.Empty(shop.Problems);
    }

    [Fact]
    public async Task BadOrForeignIdentityChecksAreRefusedClearly()
    {
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite);
        var (_, ann) = await shop.CustomerAsync("Ann", identityChecked: false);
        var (ben, _) = await shop.CustomerAsync("Ben", identityChecked: false);
        var path = $"{Shop.OrderApi}/identityCheck";
        await Expect(ann, path, Shop.IdentityDocument(ben, "P1234567", "1990-04-01"), 400, "CUSTOMER_MISMATCH");
        await Expect(shop.Agent, path, Shop.IdentityDocument(null, "P1234567", "1990-04-01"), 400, "MISSING_ATTRIBUTE");
        await Expect(shop.Agent, path, Shop.IdentityDocument(Guid.NewGuid().ToString(), "P1234567", "1990-04-01"), 400, "REFERENCE_NOT_FOUND");
        await Expect(shop.App.ClientAs("partner-y", "partner"), path, Shop.IdentityDocument(ben, "P1234567", "1990-04-01"), 400, "REFERENCE_NOT_FOUND");
        await Expect(ann, path, Shop.IdentityDocument(null, "P1", "1990-04-01"), 400, "documentNumber");
        await Expect(ann, path, Shop.IdentityDocument(null, "P1234567", "01/04/1990"), 400, "birthDate");
        var wrongType = Shop.IdentityDocument(null, "P1234567", "1990-04-01");
        wrongType["documentType"] = "libraryCard";
        await Expect(ann, path, wrongType, 400, "documentType");
        using var malformed = await ann.PostAsync(path, TmfHttp.Json("{\"documentType\": "));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using var wrongJsonType = await ann.PostAsync(path, TmfHttp.Json("{\"documentNumber\": 1234567}"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongJsonType.StatusCode);
        using var anonymous = await shop.App.CreateClient().PostAsync(path, TmfHttp.Json(Shop.IdentityDocument(null, "P1234567", "1990-04-01")));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(shop.App.Errors.UnhandledRequests);
    }

    private static async Task ExpectRefusalAsync(HttpClient client, JsonObject document, string reason) =>
        await Expect(client, $"{Shop.OrderApi}/identityCheck", document, 422, reason);

    private static async Task Expect(HttpClient client, string path, JsonObject body, int status, string mention)
    {
        using var response = await client.PostAsync(path, TmfHttp.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Contains(mention, text);
    }
}
