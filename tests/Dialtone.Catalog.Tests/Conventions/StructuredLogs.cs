namespace Dialtone.Catalog.Tests.Conventions;

public sealed class StructuredLogs
{
    [Fact]
    public async Task EveryLogLineOfARequestIsJsonCarryingTheCallersTraceId()
    {
        const string traceId = "5b8efff798038103d269b633813fc60c";
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-logs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var server = new ServerProcess(directory, new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Information",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            });
            await server.StartAsync();
            // No propagator: the test process's own tracing must not replace the traceparent this test sends.
            using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null });
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{server.BaseUrl}{TmfHttp.Catalog}/productOffering?limit=5");
            request.Headers.Add("traceparent", $"00-{traceId}-eee19b7ec3c1b174-01");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            await Task.Delay(500);
            server.Kill();
            var lines = server.Output.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.All(server.Output.Where(l => l.Length > 0), l => Assert.StartsWith("{", l, StringComparison.Ordinal));
            var ofRequest = lines.Where(l => l["Scopes"]!.AsArray().Any(s => s?["RequestPath"]?.GetValue<string>() == $"{TmfHttp.Catalog}/productOffering")).ToList();
            Assert.NotEmpty(ofRequest);
            Assert.All(ofRequest, l => Assert.True(
                l["Scopes"]!.AsArray().Any(s => s?["TraceId"]?.GetValue<string>() == traceId),
                $"no TraceId {traceId} in {l.ToJsonString()}"));
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }
}
