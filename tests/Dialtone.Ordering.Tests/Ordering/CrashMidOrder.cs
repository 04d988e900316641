using System.Diagnostics;
using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// <c>kill -9</c> in the middle of provisioning: the server is a real child process killed with SIGKILL while orders are
/// half-way through the (slow) network stand-in, restarted on the same database, and every order must complete with
/// each line created exactly once on the network and each eSIM profile prepared once.
/// </summary>
public sealed class CrashMidOrder(ITestOutputHelper output)
{
    private const int Iterations = 2;
    private const int OrdersPerIteration = 3;

    [Fact]
    public async Task OrdersInterruptedBySigkillFinishExactlyOnceAfterARestart()
    {
        var seed = CrashSeed.Pick(output.WriteLine);
        var random = new Random(seed);
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var network = await StandinProcess.StartAsync("Dialtone.NetworkSim", directory, latencyMs: 150);
            await using var smdp = await StandinProcess.StartAsync("Dialtone.SmdpSim", directory, latencyMs: 150);
            var settings = new Dictionary<string, string>
            {
                ["Dialtone__SeedDemoData"] = "true",
                ["Dialtone__DemoSubscribers"] = "0",
                ["Dialtone__Standins__Start"] = "false",
                ["Dialtone__Hub__RecoveryPollingInterval"] = "00:00:00.500",
                ["Dialtone__Ordering__FirstRetryDelay"] = "00:00:00.050",
                ["Dialtone__Ordering__MaxRetryDelay"] = "00:00:00.200",
                ["Dialtone__Ordering__RetryPollingInterval"] = "00:00:00.020",
                ["Dialtone__Ordering__Network__BaseUrl"] = network.BaseUrl,
                ["Dialtone__Ordering__Smdp__BaseUrl"] = smdp.BaseUrl,
            };
            var orders = new List<string>();
            var server = new ServerProcess(directory, settings);
            await server.StartAsync();
            for (var iteration = 0; iteration < Iterations; iteration++)
            {
                // Counted before the orders are placed: on an idle machine their lines can reach the network before the count.
                var createdBefore = await network.CounterAsync("subscribersCreated");
                using (var agent = Agent(server))
                {
                    var plan = await Shop.OfferingIdAsync(agent, "5G Plus 40 GB");
                    var party = (await agent.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = "Kim", ["familyName"] = $"Crash{iteration}" })).Id();
                    await Shop.PassIdentityCheckAsync(agent, party);
                    for (var i = 0; i < OrdersPerIteration; i++)
                    {
                        orders.Add((await agent.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.For(Shop.Order(Shop.Add("1", plan)), party))).Id());
                    }
                }

                var waitingSince = Stopwatch.GetTimestamp();
                while (await network.CounterAsync("subscribersCreated") == createdBefore)
                {
                    Assert.True(Stopwatch.GetElapsedTime(waitingSince) < TimeSpan.FromSeconds(90), $"seed {seed}, iteration {iteration}: no line reached the network");
                    await Task.Delay(10);
                }

                var wait = random.Next(0, 300);
                await Task.Delay(wait);
                output.WriteLine($"iteration {iteration}: SIGKILL {wait} ms after the first line reached the network; network had created {await network.CounterAsync("subscribersCreated")}, SM-DP+ prepared {await smdp.CounterAsync("profilesPrepared")}");
                server.Kill();

                server = new ServerProcess(directory, settings);
                await server.StartAsync();
                using var check = Agent(server);
                var lines = new List<JsonObject>();
                foreach (var id in orders)
                {
                    var done = await Shop.PollStateAsync(check, id, ["completed", "failed", "cancelled"], TimeSpan.FromSeconds(90), () => $"seed {seed}, iteration {iteration}");
                    Assert.True(done["state"]!.GetValue<string>() == "completed", $"seed {seed}, iteration {iteration}: order {id} is {done["state"]}");
                    lines.Add(await check.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(done)}"));
                }

                Assert.All(lines, line => Assert.Equal("active", line["status"]!.GetValue<string>()));
                Assert.Equal(orders.Count, lines.Select(l => Shop.Characteristic(l, "msisdn")).Distinct().Count());
                Assert.True(orders.Count == await network.CounterAsync("subscribersCreated"), $"seed {seed}: every line is created on the network exactly once");
                Assert.True(orders.Count == await smdp.CounterAsync("profilesPrepared"), $"seed {seed}: every eSIM profile is prepared exactly once");
                output.WriteLine($"iteration {iteration}: {orders.Count} order(s) completed; answers replayed to repeated calls: network {await network.CounterAsync("replayedAnswers")}, SM-DP+ {await smdp.CounterAsync("replayedAnswers")}");
            }

            server.Kill();
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }

    private static HttpClient Agent(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "agent-1:agent");
        return client;
    }
}
