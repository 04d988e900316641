namespace Dialtone.Catalog.Tests.Conventions;

public sealed class HostSurface(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryOperationWithASummaryAndItsTmfErrors()
    {
        var document = await apps.For(TestDatabase.Sqlite).CreateClient().GetJsonAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        Assert.Contains($"{TmfHttp.Catalog}/productOffering/{{id}}", paths.Select(p => p.Key));
        var operations = paths.SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();
        Assert.True(operations.Count >= 30);
        foreach (var (path, method, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
            if (path.StartsWith("/tmf-api", StringComparison.Ordinal))
            {
                Assert.True(operation["responses"]!.AsObject().Any(r => r.Key.StartsWith('4')), $"{method} {path} documents no 4xx");
            }
        }

        var list = paths[$"{TmfHttp.Catalog}/productOffering"]!["get"]!;
        var parameters = list["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("limit", parameters);
        Assert.Contains("productOfferingPrice.name", parameters);
        var create = paths[$"{TmfHttp.Catalog}/productOffering"]!["post"]!;
        Assert.Contains("Idempotency-Key", create["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.NotNull(create["requestBody"]);
        Assert.NotNull(create["responses"]!["201"]);
    }

    [Fact]
    public async Task TheDocsPageLoadsNothingFromOutsideTheHost()
    {
        var client = apps.For(TestDatabase.Sqlite).CreateClient();
        var html = await client.GetStringAsync("/docs/");
        Assert.Contains("scalar.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.jsdelivr", html, StringComparison.Ordinal);
        Assert.DoesNotContain("fonts.scalar.com", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        using var script = await client.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task HealthMetricsAndTraceResponseAreServed()
    {
        var client = apps.For(TestDatabase.Sqlite).CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await apps.For(TestDatabase.Sqlite).WaitUntilReadyAsync()).StatusCode);
        await client.GetAsync($"{TmfHttp.Catalog}/productOffering");
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{TmfHttp.Catalog}/catalog");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var response = await client.SendAsync(request);
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", response.Headers.GetValues("traceresponse").Single(), StringComparison.Ordinal);
    }
}
