using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace Dialtone.Catalog.Tests.Hub;

/// <summary>
/// A crash between commit and delivery loses no event: the server is a real child process killed with SIGKILL while
/// deliveries are failing, restarted on the same database, and must then deliver every event it acknowledged.
/// </summary>
public sealed class OutboxCrash(ITestOutputHelper output)
{
    private const int Iterations = 2;

    [Fact]
    public async Task EveryAcknowledgedEventIsDeliveredAfterAKillAndARestart()
    {
        var seed = CrashSeed.Pick(output.WriteLine);
        var random = new Random(seed);
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var listener = await CallbackListener.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Dialtone__Hub__AllowedCallbackHosts__0"] = "127.0.0.1",
            ["Dialtone__Hub__RecoveryPollingInterval"] = "00:00:00.500",
            // This test is about durability: keep retrying the refusing listener instead of opening its circuit.
            ["Dialtone__Hub__BreakAfterFailures"] = "1000000",
        };
        for (var i = 0; i < 20; i++)
        {
            settings[$"Dialtone__Hub__RetryDelays__{i}"] = "00:00:00.200";
        }

        try
        {
            var acknowledged = new List<string>();
            var server = new ServerProcess(directory, settings);
            await server.StartAsync();
            using (var client = Client(server))
            {
                await client.PostJsonAsync($"{TmfHttp.Catalog}/hub", new JsonObject { ["callback"] = listener.Url, ["query"] = "eventType=ProductSpecificationCreateEvent" });
            }

            for (var iteration = 0; iteration < Iterations; iteration++)
            {
                listener.AlwaysFail = true;
                var creates = random.Next(1, 6);
                var attemptsBefore = listener.Attempts;
                using (var client = Client(server))
                {
                    for (var i = 0; i < creates; i++)
                    {
                        acknowledged.Add((await client.PostJsonAsync($"{TmfHttp.Catalog}/productSpecification", new JsonObject { ["name"] = $"crash {iteration}.{i}" })).Id());
                    }
                }

                var wait = random.Next(0, 400);
                await Task.Delay(wait);
                output.WriteLine($"iteration {iteration}: {creates} create(s) acknowledged, SIGKILL after {wait} ms, {listener.Attempts - attemptsBefore} refused delivery attempt(s) before the kill");
                server.Kill();

                listener.AlwaysFail = false;
                server = new ServerProcess(directory, settings);
                await server.StartAsync();
                var delivered = await WaitForAsync(listener, acknowledged, TimeSpan.FromSeconds(60));
                Assert.All(acknowledged, id => Assert.Contains(id, delivered));
            }

            server.Kill();
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }

    private static HttpClient Client(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "pm-crash:productManager");
        return client;
    }

    private static async Task<HashSet<string>> WaitForAsync(CallbackListener listener, List<string> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var delivered = listener.Received
                .Select(r => JsonNode.Parse(r.Body)!["event"]!["productSpecification"]!["id"]!.GetValue<string>())
                .ToHashSet();
            if (ids.All(delivered.Contains) || DateTime.UtcNow > deadline)
            {
                return delivered;
            }

            await Task.Delay(100);
        }
    }
}
