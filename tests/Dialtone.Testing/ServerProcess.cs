using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dialtone.Testing;

/// <summary>Dialtone as a real child process (the built Dialtone.Server.dll), for tests that kill it with SIGKILL.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly string workingDirectory;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> output = new();
    private Process? process;

    public ServerProcess(string workingDirectory, IDictionary<string, string> settings)
    {
        this.workingDirectory = workingDirectory;
        Port = FreePort();
        BaseUrl = $"http://127.0.0.1:{Port}";
        SbiPort = FreePort();
        environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Dialtone__DataDirectory"] = Path.Combine(workingDirectory, "data"),
            ["Dialtone__SeedDemoData"] = "false",
            ["Dialtone__Auth__DevelopmentScheme"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Dialtone__Charging__SiloPort"] = "0",
            ["Dialtone__Charging__AllowedNotifyHosts__0"] = "127.0.0.1",
            ["Dialtone__Charging__SbiPort"] = SbiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }
    }

    public int Port { get; }

    public string BaseUrl { get; }

    /// <summary>The port of the Nchf SBI (HTTP/2 cleartext with prior knowledge).</summary>
    public int SbiPort { get; }

    /// <summary>The server's process id while it runs (for what the operating system knows of it, e.g. under <c>/proc</c>).</summary>
    public int? ProcessId => process?.Id;

    /// <summary>What the server wrote to standard output (its JSON log lines).</summary>
    public IReadOnlyCollection<string> Output => output;

    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var serverDll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [serverDll, "--urls", BaseUrl])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Set by Program.cs in this test process whenever an in-process app ran before: the child decides for itself.
        start.Environment.Remove("DOTNET_USE_POLLING_FILE_WATCHER");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Dialtone.Server.");
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                output.Enqueue(line.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(180));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Dialtone.Server exited with {process.ExitCode} while starting.");
            }

            try
            {
                using var ready = await client.GetAsync($"{BaseUrl}/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Dialtone.Server did not become ready.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what was committed is all that survives.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process?.Dispose();
        process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    internal static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
