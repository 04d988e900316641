using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>
/// Stands where the network provisioning system and the SM-DP+ would be, and records every request that reaches it
/// (answering 503): a migration must send none.
/// </summary>
public sealed class ProvisioningRecorder : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private ProvisioningRecorder(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public int Requests => Volatile.Read(ref requests);

    public static async Task<ProvisioningRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var recorder = new ProvisioningRecorder(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref recorder.requests);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        recorder.BaseUrl = app.Urls.First() + "/";
        return recorder;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
