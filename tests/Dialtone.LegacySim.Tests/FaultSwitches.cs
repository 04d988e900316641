using System.Diagnostics;

namespace Dialtone.LegacySim.Tests;

/// <summary>The switches for latency, error rate, timeouts and outage, set at start and changed at run time.</summary>
public sealed class FaultSwitches : IAsyncLifetime
{
    private const int Latency = 1000;
    private const int Hang = 1500;
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dialtone-legacyfaults-" + Guid.NewGuid().ToString("N"));
    private StandinProcess legacy = null!;

    public async Task InitializeAsync() =>
        legacy = await LegacySimFixture.StartAsync(directory, 1000, seed: 3, latencyMs: Latency, "--hang-ms", Hang.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task DisposeAsync()
    {
        await legacy.DisposeAsync();
        LegacySimFixture.Delete(directory);
    }

    [Fact]
    public async Task EachSwitchWorksAndChangesAtRunTime()
    {
        using var client = new LegacyClient(legacy.BaseUrl);

        // Latency, set at start.
        var slow = Stopwatch.StartNew();
        await client.CustomerAsync("C00000001");
        Assert.True(slow.ElapsedMilliseconds >= Latency - 50, $"took {slow.ElapsedMilliseconds} ms");
        await legacy.SetFaultsAsync();
        var fast = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var call = Stopwatch.StartNew();
            await client.CustomerAsync("C00000001");
            fast.Add(call.ElapsedMilliseconds);
        }

        Assert.True(fast.Min() < Latency - 300, $"fastest took {fast.Min()} ms");

        // Error rate: a SYSTEM_BUSY server fault, nothing done.
        await legacy.SetFaultsAsync(errorRate: 0.5);
        var busy = 0;
        for (var i = 0; i < 60; i++)
        {
            var answer = await client.CallAsync("GetCustomer", ("CustomerId", "C00000002"));
            if (answer.IsFault)
            {
                Assert.Equal("E9001 SYSTEM_BUSY", answer.LegacyError);
                Assert.Equal("soap:Server", answer.FaultCode);
                busy++;
            }
        }

        Assert.InRange(busy, 12, 48);
        Assert.Equal(busy, await legacy.CounterAsync("simulatedErrors"));

        // Outage: connections dropped, the admin API still answers.
        await legacy.SetFaultsAsync(outage: true);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.CallAsync("GetCustomer", ("CustomerId", "C00000003")));
        Assert.InRange(await legacy.CounterAsync("callsDuringOutage"), 1, 2);
        await legacy.SetFaultsAsync();
        await client.CustomerAsync("C00000003");

        // Timeouts: the call hangs past the caller's patience, then is carried out anyway.
        var version = (await client.CustomerAsync("C00000004")).Version();
        await legacy.SetFaultsAsync(timeoutRate: 1);
        using (var impatient = new LegacyClient(legacy.BaseUrl, TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAsync<TaskCanceledException>(() =>
                impatient.CallAsync("UpdateContact", ("CustomerId", "C00000004"), ("ExpectedVersion", version), ("Phone", "040 7654321")));
        }

        var patient = Stopwatch.StartNew();
        var late = await client.CallAsync("GetCustomer", ("CustomerId", "C00000005"));
        Assert.False(late.IsFault);
        Assert.InRange(patient.ElapsedMilliseconds, Hang - 50, Hang * 4);
        await legacy.SetFaultsAsync();
        Assert.Equal(version + 1, (await client.CustomerAsync("C00000004")).Version());
        Assert.Equal(2, await legacy.CounterAsync("simulatedTimeouts"));

        // Nonsense switches are refused and change nothing.
        using var refused = await legacy.AdminAsync(HttpMethod.Put, "/admin/faults", new { errorRate = 2.0 });
        using var faults = await legacy.AdminAsync(HttpMethod.Get, "/admin/faults");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(0, JsonNode.Parse(await faults.Content.ReadAsStringAsync())!["errorRate"]!.GetValue<double>());
    }
}
