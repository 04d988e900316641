using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dialtone.Testing;

/// <summary>
/// A stand-in of the outside world (tools/Standins: the network, the SM-DP+) as a real child process with its own state
/// file, on a free port; its fault switches are thrown through its admin API as an operator would.
/// </summary>
public sealed class StandinProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient admin;

    private StandinProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
        admin = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public string BaseUrl { get; }

    /// <summary>Starts <c>Dialtone.NetworkSim</c> or <c>Dialtone.SmdpSim</c> (built beside the server) and waits until it answers.</summary>
    public static async Task<StandinProcess> StartAsync(string assembly, string stateDirectory, int latencyMs = 0)
    {
        var baseUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var dll = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        var start = new ProcessStartInfo("dotnet",
            [dll, "--urls", baseUrl, "--data", Path.Combine(stateDirectory, assembly + ".db"), "--latency-ms", latencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {assembly}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var standin = new StandinProcess(process, baseUrl);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var health = await standin.admin.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    return standin;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        await standin.DisposeAsync();
        throw new TimeoutException($"{assembly} did not start.");
    }

    public async Task SetFaultsAsync(int latencyMs = 0, double errorRate = 0, bool outage = false)
    {
        using var response = await admin.PutAsJsonAsync("/admin/faults", new { latencyMs, errorRate, outage });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>What really happened in the stand-in (effects, replayed answers, simulated errors), by counter name.</summary>
    public async Task<long> CounterAsync(string name)
    {
        var stats = await admin.GetFromJsonAsync<JsonObject>("/admin/stats");
        return stats?[name]?.GetValue<long>() ?? 0;
    }

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        admin.Dispose();
        return ValueTask.CompletedTask;
    }
}
