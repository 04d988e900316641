namespace Dialtone.Customers.Tests.Authorization;

/// <summary>Every customer-data resource answers broken input with a clear 4xx and stores nothing.</summary>
public sealed class BadInput(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    private static readonly string[] Resources =
    [
        $"{Subscribers.Party}/individual", $"{Subscribers.Party}/organization", $"{Subscribers.CustomerApi}/customer",
        $"{Subscribers.AccountApi}/billingAccount", $"{Subscribers.AccountApi}/partyAccount", $"{Subscribers.AccountApi}/financialAccount",
        $"{Subscribers.AccountApi}/billingCycleSpecification", $"{Subscribers.AccountApi}/billPresentationMedia",
    ];

    [Theory, MemberData(nameof(Databases))]
    public async Task MalformedWrongTypedUnknownOversizedAndMissingInputIsA4xxNeverA500(TestDatabase database)
    {
        var app = apps.For(database);
        var admin = app.Admin();
        foreach (var resource in Resources)
        {
            async Task Expect(HttpMethod method, string path, HttpContent? content, HttpStatusCode expected)
            {
                using var request = new HttpRequestMessage(method, path) { Content = content };
                using var response = await admin.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
                if ((int)expected >= 400)
                {
                    Assert.False(string.IsNullOrEmpty(JsonNode.Parse(body)!["code"]?.GetValue<string>()), body);
                }
            }

            var unknown = Guid.CreateVersion7().ToString();
            await Expect(HttpMethod.Post, resource, TmfHttp.Json("{\"name\": "), HttpStatusCode.BadRequest);
            await Expect(HttpMethod.Post, resource, TmfHttp.Json("[]"), HttpStatusCode.BadRequest);
            await Expect(HttpMethod.Post, resource, TmfHttp.Json("""{"name": 5, "givenName": ["x"], "tradingName": {"a": 1}}"""), HttpStatusCode.BadRequest);
            await Expect(HttpMethod.Post, resource, TmfHttp.Json("""{"name": "x", "noSuchAttribute": 1}"""), HttpStatusCode.BadRequest);
            await Expect(HttpMethod.Post, resource, TmfHttp.Json("{}"), HttpStatusCode.BadRequest);
            await Expect(HttpMethod.Post, resource, TmfHttp.Json($"{{\"name\": \"{new string('x', 2 * 1024 * 1024)}\"}}"), HttpStatusCode.RequestEntityTooLarge);
            await Expect(HttpMethod.Get, $"{resource}/{unknown}", null, HttpStatusCode.NotFound);
            await Expect(HttpMethod.Patch, $"{resource}/{unknown}", TmfHttp.Json("{\"name\":\"y\"}", "application/merge-patch+json"), HttpStatusCode.NotFound);
            await Expect(HttpMethod.Delete, $"{resource}/{unknown}", null, HttpStatusCode.NotFound);
            await Expect(HttpMethod.Get, $"{resource}?noSuchAttribute=1", null, HttpStatusCode.BadRequest);
            await Expect(HttpMethod.Get, $"{resource}?limit=-1", null, HttpStatusCode.BadRequest);

            using var list = await admin.GetAsync(resource);
            Assert.Empty((await list.ReadJsonAsync()).AsArray());
        }

        Assert.Empty(app.Errors.UnhandledRequests);
    }
}
