using Dialtone.Platform.Hub;

namespace Dialtone.Catalog.Tests.Hub;

public sealed class HubDelivery(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string HubPath = $"{TmfHttp.Catalog}/hub";

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task AListenerReceivesMatchingEventsSignedAndInOrderWithTheRequestsTraceId(TestDatabase database)
    {
        var app = apps.For(database);
        var pm = app.ProductManager();
        await using var listener = await CallbackListener.StartAsync();
        var subscription = await pm.PostJsonAsync(HubPath, new JsonObject
        {
            ["callback"] = listener.Url,
            ["query"] = "eventType=ProductOfferingCreateEvent,ProductOfferingStateChangeEvent,ProductOfferingAttributeValueChangeEvent,ProductOfferingDeleteEvent",
        });
        var secret = subscription["secret"]!.GetValue<string>();

        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var create = new HttpRequestMessage(HttpMethod.Post, $"{TmfHttp.Catalog}/productOffering") { Content = TmfHttp.Json("""{"name":"Hub plan","lifecycleStatus":"In study"}""") };
        create.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var created = await pm.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith($"00-{traceId}-", created.Headers.GetValues("traceresponse").Single(), StringComparison.Ordinal);
        var id = (await created.ReadJsonAsync()).Id();
        await pm.PatchAsync($"{TmfHttp.Catalog}/productOffering/{id}", TmfHttp.Json("""{"lifecycleStatus":"In design"}"""));
        await pm.PatchAsync($"{TmfHttp.Catalog}/productOffering/{id}", TmfHttp.Json("""{"description":"changed"}"""));
        await CatalogFixtures.SpecificationAsync(pm, "not matched by the query");
        Assert.Equal(HttpStatusCode.NoContent, (await pm.DeleteAsync($"{TmfHttp.Catalog}/productOffering/{id}")).StatusCode);

        var received = (await listener.WaitForAsync(4)).Where(r => JsonNode.Parse(r.Body)!["event"]!["productOffering"]?["id"]?.GetValue<string>() == id).ToList();
        Assert.Equal(["ProductOfferingCreateEvent", "ProductOfferingStateChangeEvent", "ProductOfferingAttributeValueChangeEvent", "ProductOfferingDeleteEvent"],
            received.Select(r => JsonNode.Parse(r.Body)!["eventType"]!.GetValue<string>()));
        Assert.Equal(["1", "2", "3", "4"], received.Select(r => r.Headers["X-Dialtone-Resource-Version"]));
        var first = JsonNode.Parse(received[0].Body)!;
        Assert.Equal(traceId, first["correlationId"]!.GetValue<string>());
        Assert.Equal("Hub plan", first["event"]!["productOffering"]!["name"]!.GetValue<string>());
        Assert.All(received, r => Assert.True(HubSignature.Verify(secret, r.Body, r.Headers[HubSignature.HeaderName], app.Clock.GetUtcNow())));
        Assert.False(HubSignature.Verify("wrong secret", received[0].Body, received[0].Headers[HubSignature.HeaderName], app.Clock.GetUtcNow()));
        Assert.False(HubSignature.Verify(secret, received[0].Body, received[0].Headers[HubSignature.HeaderName], app.Clock.GetUtcNow().AddMinutes(6)));
        Assert.DoesNotContain(listener.Received, r => r.Body.Contains("not matched by the query", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await pm.DeleteAsync($"{HubPath}/{subscription.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pm.DeleteAsync($"{HubPath}/{subscription.Id()}")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AFailingListenerGetsTheEventOnRetryAndAfterTheLastRetryItIsADeadLetterAnAdminReplays(TestDatabase database)
    {
        var app = apps.For(database);
        var pm = app.ProductManager();
        await using var listener = await CallbackListener.StartAsync();
        await pm.PostJsonAsync(HubPath, new JsonObject { ["callback"] = listener.Url, ["query"] = "eventType=ProductSpecificationCreateEvent" });

        listener.FailNext(2);
        var retried = await CatalogFixtures.SpecificationAsync(pm, CatalogFixtures.Unique("retried"));
        var delivered = await listener.WaitForAsync(1);
        Assert.Contains(delivered, r => r.Body.Contains(retried.Id(), StringComparison.Ordinal));

        listener.AlwaysFail = true;
        var dead = await CatalogFixtures.SpecificationAsync(pm, CatalogFixtures.Unique("dead"));
        var admin = app.Admin();
        var letters = await WaitForDeadLettersAsync(admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await pm.GetAsync("/admin/deadLetters")).StatusCode);

        listener.AlwaysFail = false;
        using var replay = await admin.PostAsync("/admin/deadLetters/replay", TmfHttp.Json(new JsonObject { ["ids"] = new JsonArray(letters.Select(l => (JsonNode)l!["id"]!.GetValue<string>()).ToArray()) }));
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        // The durability agent resends at its next poll; on PostgreSQL a CI run under a load average of 30+ once needed
        // more than 30 s for it (the cause was not traced further).
        IReadOnlyList<ReceivedCallback> afterReplay;
        try
        {
            afterReplay = await listener.WaitForAsync(2, TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            // What the durability agent said is the only trace of why a replay did not arrive.
            var now = await admin.GetStringAsync("/admin/deadLetters");
            throw new TimeoutException($"{e.Message} Dead letters now: {now}. Logged: {string.Join("\n", app.Errors.Entries)}", e);
        }

        Assert.Contains(afterReplay, r => r.Body.Contains(dead.Id(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://10.0.0.5/callback", "CALLBACK_NOT_ALLOWED")]
    [InlineData("http://localhost.evil.example/callback", "CALLBACK_NOT_ALLOWED")]
    [InlineData("ftp://127.0.0.1/callback", "INVALID_CALLBACK")]
    [InlineData("/relative", "INVALID_CALLBACK")]
    [InlineData("http://user:pw@127.0.0.1/callback", "INVALID_CALLBACK")]
    public async Task CallbacksOutsideTheAllowListAreRefused(string callback, string code)
    {
        using var response = await apps.For(TestDatabase.Sqlite).ProductManager().PostAsync(HubPath, TmfHttp.Json(new JsonObject { ["callback"] = callback }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.ReadJsonAsync())["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AListenerQueryNamingNoEventAttributeIsRefused()
    {
        using var response = await apps.For(TestDatabase.Sqlite).ProductManager().PostAsync(HubPath, TmfHttp.Json("""{"callback":"http://127.0.0.1:9/x","query":"colour=red"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_QUERY", (await response.ReadJsonAsync())["code"]!.GetValue<string>());
    }

    private static async Task<JsonArray> WaitForDeadLettersAsync(HttpClient admin)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var letters = (await (await admin.GetAsync("/admin/deadLetters")).ReadJsonAsync()).AsArray();
            if (letters.Count > 0)
            {
                return letters;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No dead letter appeared.");
    }
}
