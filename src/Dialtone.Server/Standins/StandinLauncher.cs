using System.Diagnostics;
using Dialtone.Platform;
using Microsoft.Extensions.Options;

namespace Dialtone.Server.Standins;

/// <summary>
/// In demo mode the run command starts the stand-ins of the outside world as child processes (the network provisioning
/// system and the SM-DP+, tools/Standins), each with its own state file under the data directory, on the addresses the
/// ordering module calls; so a newcomer's order completes with nothing but <c>dotnet run</c>. The simulated legacy
/// system of record (tools/LegacySim) is started only on request (<c>Dialtone:Legacy:StartSim</c>): seeding its
/// customer base takes a few seconds and a disk file. A stand-in already answering on its address (left from an
/// earlier run, or started by hand) is used as it is. Each one ends with Dialtone.
/// </summary>
internal sealed partial class StandinLauncher(IConfiguration configuration, IOptions<DialtoneOptions> options, ILogger<StandinLauncher> logger) : IHostedService
{
    private static readonly Standin[] ProvisioningStandins =
    [
        new("network", "Dialtone.NetworkSim", "Dialtone:Ordering:Network:BaseUrl", "http://127.0.0.1:5091/"),
        new("smdp", "Dialtone.SmdpSim", "Dialtone:Ordering:Smdp:BaseUrl", "http://127.0.0.1:5092/"),
    ];

    private static readonly Standin Legacy = new("legacy", "Dialtone.LegacySim", "Dialtone:Legacy:BaseUrl", "http://127.0.0.1:5093/");

    private readonly List<Process> started = [];

    public static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        if (StandinsToStart(configuration).Count > 0)
        {
            services.AddHostedService<StandinLauncher>();
        }
    }

    private static List<Standin> StandinsToStart(IConfiguration configuration)
    {
        var standins = new List<Standin>();
        if (configuration.GetValue("Dialtone:Standins:Start", configuration.GetValue("Dialtone:SeedDemoData", true)))
        {
            standins.AddRange(ProvisioningStandins);
        }

        if (configuration.GetValue("Dialtone:Legacy:StartSim", false))
        {
            standins.Add(Legacy);
        }

        return standins;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        foreach (var (name, assembly, setting, defaultUrl) in StandinsToStart(configuration))
        {
            var url = new Uri(configuration[setting] ?? defaultUrl);
            if (await AnswersAsync(probe, url, cancellationToken))
            {
                LogAlreadyRunning(name, url.Authority);
                continue;
            }

            var directory = AppContext.BaseDirectory;
            var state = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "standins", name + ".db");
            List<string> arguments =
            [
                Path.Combine(directory, assembly + ".dll"),
                "--urls", $"{url.Scheme}://{url.Authority}", "--data", state, "--parent-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ];
            if (name == Legacy.Name && configuration["Dialtone:Legacy:SimCustomers"] is { Length: > 0 } customers)
            {
                arguments.AddRange(["--customers", customers]);
            }

            var start = new ProcessStartInfo("dotnet", arguments)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {name} stand-in.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            started.Add(process);
            LogStarted(name, url.Authority, process.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var process in started.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
        }

        return Task.CompletedTask;
    }

    private static async Task<bool> AnswersAsync(HttpClient probe, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await probe.GetAsync(new Uri(url, "/health"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private sealed record Standin(string Name, string Assembly, string Setting, string DefaultUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo mode: started the simulated {Standin} on {Address} (process {ProcessId})")]
    private partial void LogStarted(string standin, string address, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo mode: the simulated {Standin} already answers on {Address}; using it")]
    private partial void LogAlreadyRunning(string standin, string address);
}
