using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dialtone.Testing;

/// <summary>A real HTTP listener on 127.0.0.1 that records what a hub delivers, and can be told to fail.</summary>
public sealed class CallbackListener : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedCallback> received = new();
    private readonly SemaphoreSlim arrivals = new(0);

    private CallbackListener(WebApplication app) => this.app = app;

    private int failuresToAnswer;
    private int attempts;
    private volatile bool alwaysFail;

    /// <summary>The next <paramref name="count"/> requests are answered 503.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresToAnswer, count);

    /// <summary>While true, every request is answered 500.</summary>
    public bool AlwaysFail
    {
        get => alwaysFail;
        set => alwaysFail = value;
    }

    public string Url { get; private set; } = "";

    /// <summary>Every POST that reached the listener, answered or refused.</summary>
    public int Attempts => Volatile.Read(ref attempts);

    public IReadOnlyCollection<ReceivedCallback> Received => received;

    public static async Task<CallbackListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var listener = new CallbackListener(app);
        app.MapPost("/callback", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            Interlocked.Increment(ref listener.attempts);
            if (listener.alwaysFail || Interlocked.Decrement(ref listener.failuresToAnswer) >= 0)
            {
                return Results.StatusCode(listener.alwaysFail ? 500 : 503);
            }

            listener.received.Enqueue(new ReceivedCallback(body, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            listener.arrivals.Release();
            return Results.NoContent();
        });
        await app.StartAsync();
        listener.Url = app.Urls.First() + "/callback";
        return listener;
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedCallback>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (received.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await arrivals.WaitAsync(left))
            {
                throw new TimeoutException($"Expected {count} deliveries, got {received.Count}.");
            }
        }

        return received.ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        arrivals.Dispose();
    }
}

public sealed record ReceivedCallback(string Body, IReadOnlyDictionary<string, string> Headers);
