using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dialtone.Testing;

/// <summary>
/// A stand-in of the outside world (tools/Standins: the network, the SM-DP+; tools/LegacySim: the legacy system of
/// record) as a real child process with its own state file, on a free port; its fault switches are thrown through its
/// admin API as an operator would. What it writes to its console is kept in <see cref="Output"/>.
/// </summary>
public sealed class StandinProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient admin;
    private readonly ConcurrentQueue<string> output = new();

    private StandinProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
        admin = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public string BaseUrl { get; }

    /// <summary>The stand-in's process id (for what the operating system knows of it, e.g. under <c>/proc</c>).</summary>
    public int ProcessId => process.Id;

    /// <summary>The lines the stand-in wrote to its console so far (its logs).</summary>
    public IReadOnlyCollection<string> Output => output;

    /// <summary>
    /// Starts <c>Dialtone.NetworkSim</c>, <c>Dialtone.SmdpSim</c> or <c>Dialtone.LegacySim</c> (built beside the server)
    /// with any further settings (<c>--customers 1000</c>) and waits until it answers.
    /// </summary>
    public static async Task<StandinProcess> StartAsync(string assembly, string stateDirectory, int latencyMs = 0, IEnumerable<string>? arguments = null)
    {
        var baseUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var dll = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        var start = new ProcessStartInfo("dotnet",
            [dll, "--urls", baseUrl, "--data", Path.Combine(stateDirectory, assembly + ".db"), "--latency-ms", latencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
             .. arguments ?? []])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {assembly}.");
        var standin = new StandinProcess(process, baseUrl);
        process.OutputDataReceived += (_, line) => standin.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => standin.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 600; attempt++)
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

    public async Task SetFaultsAsync(int latencyMs = 0, double errorRate = 0, bool outage = false, double timeoutRate = 0)
    {
        using var response = await admin.PutAsJsonAsync("/admin/faults", new { latencyMs, errorRate, outage, timeoutRate });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Changes only the switches named, e.g. <c>new { hangMs = 1500 }</c>; the others keep their value.</summary>
    public async Task ChangeFaultsAsync(object changes)
    {
        using var response = await admin.PutAsJsonAsync("/admin/faults", changes);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>An admin call of the stand-in's own (<c>/admin/...</c>).</summary>
    public Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null) =>
        admin.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });

    /// <summary>What really happened in the stand-in (effects, replayed answers, simulated errors), by counter name.</summary>
    public async Task<long> CounterAsync(string name)
    {
        var stats = await admin.GetFromJsonAsync<JsonObject>("/admin/stats");
        return stats?[name]?.GetValue<long>() ?? 0;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 10_000 && output.TryDequeue(out _))
        {
        }
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
