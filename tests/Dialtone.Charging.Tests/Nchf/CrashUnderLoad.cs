using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dialtone.Testing;
using Xunit.Abstractions;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// <c>kill -9</c> under a stream of charging updates: the real server (a child process, its SBI on h2c) charges a line
/// ordered through the real order flow, is killed with SIGKILL at random moments and restarted; the SMF replays every
/// request it got no answer to, as an SMF does, and in the end the durable debits equal the acknowledged used units.
/// </summary>
public sealed class CrashUnderLoad(ITestOutputHelper output)
{
    private const int Kills = 3;
    private const int Sessions = 4;

    [Fact]
    public async Task DebitsEqualAcknowledgedUsageAcrossSigkills()
    {
        var seed = CrashSeed.Pick(output.WriteLine);
        var random = new Random(seed);
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-charging-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var network = await StandinProcess.StartAsync("Dialtone.NetworkSim", directory, latencyMs: 0);
            await using var smdp = await StandinProcess.StartAsync("Dialtone.SmdpSim", directory, latencyMs: 0);
            var settings = new Dictionary<string, string>
            {
                ["Dialtone__SeedDemoData"] = "true",
                ["Dialtone__DemoSubscribers"] = "0",
                ["Dialtone__Standins__Start"] = "false",
                ["Dialtone__Ordering__RetryPollingInterval"] = "00:00:00.020",
                ["Dialtone__Ordering__Network__BaseUrl"] = network.BaseUrl,
                ["Dialtone__Ordering__Smdp__BaseUrl"] = smdp.BaseUrl,
            };
            var server = new ServerProcess(directory, settings);
            await server.StartAsync();
            var (imsi, productId) = await LineAsync(server);

            var smf = new SmfSessions(imsi, Sessions, random);
            var acknowledged = 0L;
            for (var kill = 0; kill <= Kills; kill++)
            {
                using var h2c = H2cClient(server);
                var stop = new CancellationTokenSource();
                var traffic = smf.RunAsync(h2c, stop.Token);
                if (kill < Kills)
                {
                    var wait = random.Next(50, 400);
                    await Task.Delay(wait);
                    output.WriteLine($"SIGKILL {kill + 1} after {wait} ms: {smf.Answered} answers so far, {smf.Acknowledged} octets acknowledged");
                    server.Kill();
                    await stop.CancelAsync();
                    await traffic;
                    server = new ServerProcess(directory, settings);
                    await server.StartAsync();
                }
                else
                {
                    await Task.Delay(300);
                    await stop.CancelAsync();
                    await traffic;
                    // The SMF ends every session (replaying what was unanswered first).
                    await smf.ReleaseAllAsync(h2c);
                    acknowledged = smf.Acknowledged;
                }
            }

            // Every acknowledged used unit is in exactly one relayed usage record (TMF635), whatever the kills interrupted.
            var relayed = await RelayedUsageAsync(server, productId, acknowledged);
            output.WriteLine($"usage records: {relayed.Records} relayed, {relayed.Units} octets");
            Assert.True(relayed.Units == acknowledged, $"seed {seed}: usage records hold {relayed.Units} octets, acknowledged {acknowledged}");

            server.Kill();
            var durable = await DurableState.AccountAsync(Path.Combine(directory, "data"));
            output.WriteLine($"{smf.Answered} answers, {acknowledged} octets acknowledged; durable: {durable.Used} used, {durable.Held} held, {durable.OpenSessions} open sessions");
            Assert.True(acknowledged > 0, $"seed {seed}: no usage was acknowledged");
            Assert.True(durable.Used == acknowledged, $"seed {seed}: debited {durable.Used} octets, acknowledged {acknowledged}");
            Assert.Equal(0, durable.Held);
            Assert.Equal(0, durable.OpenSessions);
            await server.DisposeAsync();
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }

    /// <summary>
    /// Reads the line's usage records through the API (all pages) until their units reach <paramref name="expected"/> or
    /// the relay has had 60 s; each record counted once by id.
    /// </summary>
    private static async Task<(int Records, long Units)> RelayedUsageAsync(ServerProcess server, string productId, long expected)
    {
        using var agent = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "agent-1:agent");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var units = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var offset = 0; ; offset += 1000)
            {
                var page = JsonNode.Parse(await agent.GetStringAsync($"/tmf-api/usageManagement/v4/usage?ratedProductUsage.productRef.id={productId}&offset={offset}&limit=1000"))!.AsArray();
                foreach (var usage in page)
                {
                    units[usage!["id"]!.GetValue<string>()] = usage["usageCharacteristic"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "volume")!["value"]!.GetValue<long>();
                }

                if (page.Count < 1000)
                {
                    break;
                }
            }

            var total = units.Values.Sum();
            if (total >= expected || DateTime.UtcNow > deadline)
            {
                return (units.Count, total);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A customer's line through the real order flow; returns its IMSI and product id.</summary>
    private static async Task<(string Imsi, string ProductId)> LineAsync(ServerProcess server)
    {
        using var agent = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "agent-1:agent");
        var plan = await Orders.OfferingIdAsync(agent, "5G Max 120 GB");
        var party = (await agent.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = "Sam", ["familyName"] = "Crash" })).Id();
        await Orders.PassIdentityCheckAsync(agent, party);
        var order = await agent.PostJsonAsync($"{Orders.OrderApi}/productOrder", Orders.For(Orders.Order(Orders.Add("1", plan)), party));
        var done = await Orders.PollStateAsync(agent, order.Id(), ["completed", "failed"], TimeSpan.FromSeconds(60));
        Assert.Equal("completed", done["state"]!.GetValue<string>());
        var product = await agent.GetJsonAsync($"{Orders.InventoryApi}/product/{Orders.ProductOf(done)}");
        var imsi = Orders.Characteristic(product, "imsi")!;
        // The charging account opens from the order's completion event: wait until a create is answered.
        using var h2c = H2cClient(server);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var probe = await h2c.PostAsync($"{Smf.Api}/chargingdata", Json(Smf.Request(imsi, 1, requestMb: 1, chargingId: 1)));
            if (probe.StatusCode == HttpStatusCode.Created)
            {
                var reference = probe.Headers.Location!.ToString().Split('/')[^1];
                using var release = await h2c.PostAsync($"{Smf.Api}/chargingdata/{reference}/release", Json(Smf.Request(null, 2, requestMb: null)));
                Assert.Equal(HttpStatusCode.NoContent, release.StatusCode);
                return (imsi, Orders.ProductOf(done));
            }

            Assert.True(DateTime.UtcNow < deadline, $"the line's charging account never opened: {(int)probe.StatusCode}");
            await Task.Delay(50);
        }
    }

    /// <summary>The SBI as an SMF speaks it: HTTP/2 cleartext with prior knowledge.</summary>
    private static HttpClient H2cClient(ServerProcess server) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{server.SbiPort}"),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>
    /// The SMF: sessions that report usage and ask for more, one request outstanding per session. A request without an
    /// answer (the server died) is sent again, unchanged, until answered; only answered reports count as acknowledged.
    /// </summary>
    private sealed class SmfSessions(string imsi, int count, Random random)
    {
        // Each session draws from its own generator (seeded from the test's), so its usage is the same on a replay with the seed.
        private readonly Session[] sessions = [.. Enumerable.Range(0, count).Select(i => new Session(100 + i, new Random(random.Next())))];
        private long acknowledged;
        private int answered;

        public long Acknowledged => Interlocked.Read(ref acknowledged);

        public int Answered => answered;

        public Task RunAsync(HttpClient h2c, CancellationToken stop) =>
            Task.WhenAll(sessions.Select(session => RunAsync(session, h2c, stop)));

        public async Task ReleaseAllAsync(HttpClient h2c)
        {
            foreach (var session in sessions)
            {
                if (session.Pending is not null && !await TryAsync(session, h2c, CancellationToken.None))
                {
                    throw new InvalidOperationException("A replay after the last restart was not answered.");
                }

                if (session.Reference is not null)
                {
                    var used = UsageOf(session);
                    session.Pending = (Release: true, Smf.Request(null, session.Sequence + 1, requestMb: null, used: used, localSequence: session.Container + 1), used);
                    session.Sequence++;
                    session.Container++;
                    if (!await TryAsync(session, h2c, CancellationToken.None))
                    {
                        throw new InvalidOperationException("A release after the last restart was not answered.");
                    }
                }
            }
        }

        private async Task RunAsync(Session session, HttpClient h2c, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                if (session.Pending is null)
                {
                    if (session.Reference is null)
                    {
                        session.Pending = (false, Smf.Request(imsi, 1, requestMb: 1, chargingId: session.ChargingId), 0);
                        session.Sequence = 1;
                    }
                    else
                    {
                        var used = UsageOf(session);
                        session.Sequence++;
                        session.Container++;
                        session.Pending = (false, Smf.Request(null, session.Sequence, requestMb: 1, used: used, localSequence: session.Container), used);
                    }
                }

                if (!await TryAsync(session, h2c, stop))
                {
                    return;
                }
            }
        }

        private static long UsageOf(Session session) => session.Random.Next(0, (int)Math.Min(session.Granted + 1, int.MaxValue));

        /// <summary>Sends the pending request; true when it was answered (and is no longer pending).</summary>
        private async Task<bool> TryAsync(Session session, HttpClient h2c, CancellationToken stop)
        {
            var (release, body, used) = session.Pending!.Value;
            var path = session.Reference is null ? $"{Smf.Api}/chargingdata"
                : release ? $"{Smf.Api}/chargingdata/{session.Reference}/release" : $"{Smf.Api}/chargingdata/{session.Reference}/update";
            HttpResponseMessage response;
            try
            {
                response = await h2c.PostAsync(path, Json(body), stop);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // No answer: the SMF keeps the request and sends it again (to the restarted server).
                body["retransmissionIndicator"] = true;
                return false;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var expected = session.Reference is null ? HttpStatusCode.Created : release ? HttpStatusCode.NoContent : HttpStatusCode.OK;
                if (response.StatusCode != expected)
                {
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
                }

                if (session.Reference is null)
                {
                    session.Reference = response.Headers.Location!.ToString().Split('/')[^1];
                }

                if (!release)
                {
                    session.Granted = Smf.Granted(JsonNode.Parse(text)!.AsObject());
                }
                else
                {
                    session.Reference = null;
                }

                Interlocked.Add(ref acknowledged, used);
                Interlocked.Increment(ref answered);
                session.Pending = null;
                return true;
            }
        }

        private sealed class Session(long chargingId, Random random)
        {
            public long ChargingId { get; } = chargingId;

            public Random Random { get; } = random;

            public string? Reference { get; set; }

            public long Sequence { get; set; }

            public long Container { get; set; }

            public long Granted { get; set; }

            public (bool Release, JsonObject Body, long Used)? Pending { get; set; }
        }
    }
}
