using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Catalog.Tests.Conventions;

public sealed class ConcurrencyAndIdempotency(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Offerings = $"{TmfHttp.Catalog}/productOffering";

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task TheSameKeyAndBodyReturnsTheFirstResponseWithoutCreatingAgain(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var name = CatalogFixtures.Unique("idem");
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> Send(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Offerings) { Content = TmfHttp.Json(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await pm.SendAsync(request);
        }

        using var first = await Send($$"""{"name":"{{name}}","description":"a"}""");
        using var again = await Send($$"""{ "description":"a", "name":"{{name}}" }""");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).Id(), (await again.ReadJsonAsync()).Id());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("1", (await pm.GetAsync($"{Offerings}?name={Uri.EscapeDataString(name)}")).Headers.GetValues("X-Total-Count").Single());

        using var different = await Send($$"""{"name":"{{name}}","description":"b"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", (await different.ReadJsonAsync())["code"]!.GetValue<string>());

        using var otherCaller = new HttpRequestMessage(HttpMethod.Post, Offerings) { Content = TmfHttp.Json($$"""{"name":"{{name}}","description":"b"}""") };
        otherCaller.Headers.Add("Idempotency-Key", key);
        using var scoped = await apps.For(database).ClientAs("pm-2", "productManager").SendAsync(otherCaller);
        Assert.Equal(HttpStatusCode.Created, scoped.StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task KeysArePurgedAfterTheirLifetimeAndTheKeyCanThenBeUsedAgain(TestDatabase database)
    {
        var app = apps.For(database);
        var pm = app.ProductManager();
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> Send(string name)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Offerings) { Content = TmfHttp.Json(new JsonObject { ["name"] = name }) };
            request.Headers.Add("Idempotency-Key", key);
            return await pm.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.Created, (await Send(CatalogFixtures.Unique("purge"))).StatusCode);
        var purge = app.Services.GetRequiredService<Dialtone.Platform.Idempotency.IdempotencyPurge>();
        await purge.PurgeOnceAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(CatalogFixtures.Unique("other body"))).StatusCode);

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        Assert.True(await purge.PurgeOnceAsync(CancellationToken.None) >= 1);
        Assert.Equal(HttpStatusCode.Created, (await Send(CatalogFixtures.Unique("after purge"))).StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task ConcurrentDuplicatesCreateOnceAndTheOthersReplayOrAreToldItIsInProgress(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var name = CatalogFixtures.Unique("race");
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Offerings) { Content = TmfHttp.Json($$"""{"name":"{{name}}"}""") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await pm.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.Body));
        Assert.Single(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => JsonNode.Parse(r.Body)!.Id()).Distinct());
        Assert.Equal("1", (await pm.GetAsync($"{Offerings}?name={Uri.EscapeDataString(name)}")).Headers.GetValues("X-Total-Count").Single());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AStaleIfMatchIs412AndConcurrentPatchesNeverLoseAnUpdate(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var offering = await CatalogFixtures.OfferingAsync(pm, "etag", "In study");
        var url = $"{Offerings}/{offering.Id()}";

        using var stale = new HttpRequestMessage(HttpMethod.Patch, url) { Content = TmfHttp.Json("""{"description":"x"}""") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"99\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await pm.SendAsync(stale)).StatusCode);

        using var current = new HttpRequestMessage(HttpMethod.Patch, url) { Content = TmfHttp.Json("""{"description":"y"}""") };
        current.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, (await pm.SendAsync(current)).StatusCode);

        var patches = new[] { "statusReason", "description" }.Select(attribute =>
            pm.PatchAsync(url, TmfHttp.Json(new JsonObject { [attribute] = $"set {attribute}" })));
        var results = await Task.WhenAll(patches);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var final = await pm.GetJsonAsync(url);
        Assert.Equal("set statusReason", final["statusReason"]!.GetValue<string>());
        Assert.Equal("set description", final["description"]!.GetValue<string>());
    }
}
