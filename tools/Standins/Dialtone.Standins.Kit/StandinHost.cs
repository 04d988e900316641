using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dialtone.Standins;

/// <summary>
/// What every stand-in of an outside system shares: its own state file, switches for latency, error rate, timeouts and
/// full outage (at start from settings, at run time through <c>PUT /admin/faults</c>), and (unless
/// <see cref="StandinOptions.ReplayIdempotencyKeys"/> is off) the replay of the first answer to a repeated
/// <c>Idempotency-Key</c>. Settings: <c>--urls</c>, <c>--data</c> (the state file), <c>--latency-ms</c>,
/// <c>--error-rate</c> (0 to 1), <c>--timeout-rate</c> (0 to 1), <c>--hang-ms</c> (how long a timed-out call hangs),
/// <c>--outage</c> (true/false).
/// </summary>
public static class StandinHost
{
    /// <summary>How long a call hangs when the timeout switch picks it, unless <c>--hang-ms</c> says otherwise.</summary>
    public const int DefaultHangMs = 120_000;

    public static WebApplication Build(string name, string[] args, Action<WebApplication, StandinStore> map) =>
        Build(name, args, map, new StandinOptions());

    public static WebApplication Build(string name, string[] args, Action<WebApplication, StandinStore> map, StandinOptions options)
    {
        // No configuration file is watched: a stand-in's switches change through its admin API. The server starts its
        // stand-ins in its own working directory, which holds its data directory, and the file watcher of a content root
        // there watches every subdirectory: each page the server wrote to a database's log woke every stand-in with an
        // inotify event (bench/README, 2026-11-29, session 16).
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        options.Configure?.Invoke(builder);
        var settings = builder.Configuration;
        var store = new StandinStore(settings["data"] ?? Path.Combine("data", name + ".db"));
        var faults = new Faults
        {
            LatencyMs = int.Parse(settings["latency-ms"] ?? "0", CultureInfo.InvariantCulture),
            ErrorRate = double.Parse(settings["error-rate"] ?? "0", CultureInfo.InvariantCulture),
            Outage = bool.Parse(settings["outage"] ?? "false"),
            TimeoutRate = double.Parse(settings["timeout-rate"] ?? "0", CultureInfo.InvariantCulture),
            HangMs = int.Parse(settings["hang-ms"] ?? DefaultHangMs.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        };
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(faults);
        var app = builder.Build();
        var writes = new SemaphoreSlim(1, 1);

        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/admin") || context.Request.Path.StartsWithSegments("/health"))
            {
                await next(context);
                return;
            }

            var current = faults.Current;
            if (current.Outage)
            {
                // A system that is down does not answer at all: the caller sees the connection drop.
                store.Increment("callsDuringOutage");
                context.Abort();
                return;
            }

            if (current.LatencyMs > 0)
            {
                await Task.Delay(current.LatencyMs, context.RequestAborted);
            }

            if (current.ErrorRate > 0 && Random.Shared.NextDouble() < current.ErrorRate)
            {
                store.Increment("simulatedErrors");
                if (options.AnswerSimulatedError is { } answer)
                {
                    await answer(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(new { code = "SIMULATED_ERROR", message = "The system is busy (simulated error)." });
                return;
            }

            if (current.TimeoutRate > 0 && Random.Shared.NextDouble() < current.TimeoutRate)
            {
                // An overloaded system still does the work, late: the request is read first, so a caller that gave up
                // cannot tell whether its call took effect.
                store.Increment("simulatedTimeouts");
                context.Request.EnableBuffering();
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                context.Request.Body.Position = 0;
                await Task.Delay(current.HangMs, CancellationToken.None);
            }

            var key = context.Request.Headers["Idempotency-Key"].ToString();
            if (HttpMethods.IsGet(context.Request.Method) || !options.ReplayIdempotencyKeys)
            {
                await next(context);
                return;
            }

            // One write at a time: a repeated key waits for the first to finish and gets its answer.
            await writes.WaitAsync(context.RequestAborted);
            try
            {
                if (key.Length > 0 && store.Answer(key) is { } first)
                {
                    store.Increment("replayedAnswers");
                    context.Response.StatusCode = first.Status;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(first.Body);
                    return;
                }

                var original = context.Response.Body;
                using var captured = new MemoryStream();
                context.Response.Body = captured;
                await next(context);
                context.Response.Body = original;
                var body = Encoding.UTF8.GetString(captured.ToArray());
                if (key.Length > 0 && context.Response.StatusCode < 500)
                {
                    store.Remember(key, context.Response.StatusCode, body);
                }

                captured.Position = 0;
                await captured.CopyToAsync(original);
            }
            finally
            {
                writes.Release();
            }
        });

        app.MapGet("/health", () => Results.Ok(new { status = "up", system = name }));
        app.MapGet("/admin/faults", () => Results.Ok(faults.Current));
        app.MapPut("/admin/faults", async (HttpRequest request) =>
        {
            var body = await BodyAsync(request);
            if (body is null || !faults.TryChange(body))
            {
                return Refuse(400, "BAD_REQUEST", "latencyMs and hangMs are whole milliseconds, errorRate and timeoutRate between 0 and 1, outage true or false");
            }

            return Results.Ok(faults.Current);
        });
        app.MapGet("/admin/stats", () => Results.Ok(store.Counters()));
        map(app, store);
        if (int.TryParse(settings["parent-pid"], CultureInfo.InvariantCulture, out var parent))
        {
            _ = StopWithParentAsync(app, parent);
        }

        return app;
    }

    /// <summary>Started by Dialtone in demo mode, a stand-in ends when Dialtone ends (however it ended, even by SIGKILL).</summary>
    private static async Task StopWithParentAsync(WebApplication app, int parentId)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            try
            {
                using var parentProcess = System.Diagnostics.Process.GetProcessById(parentId);
                if (!parentProcess.HasExited)
                {
                    continue;
                }
            }
            catch (ArgumentException)
            {
            }

            await app.StopAsync();
            return;
        }
    }

    /// <summary>A 4xx with a code and a message, as the stand-ins refuse.</summary>
    public static IResult Refuse(int status, string code, string message) => Results.Json(new { code, message }, statusCode: status);

    /// <summary>Reads a JSON object body, or null when it is missing or not an object.</summary>
    public static async Task<JsonObject?> BodyAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>What a stand-in may do differently from the others.</summary>
public sealed record StandinOptions
{
    /// <summary>
    /// Whether a write with an <c>Idempotency-Key</c> seen before gets the first answer again. Off for a stand-in of a
    /// system that knows nothing of idempotency keys (most legacy systems): every call is then carried out.
    /// </summary>
    public bool ReplayIdempotencyKeys { get; init; } = true;

    /// <summary>How a call picked by the error-rate switch is answered; by default <c>503 {"code":"SIMULATED_ERROR"}</c>.</summary>
    public Func<HttpContext, Task>? AnswerSimulatedError { get; init; }

    /// <summary>Changes to the host before it is built (logging levels, services).</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }
}

/// <summary>
/// The switches of a stand-in: added latency, the share of calls answered with a simulated error, the share of calls
/// that hang for <paramref name="HangMs"/> before being carried out, and a full outage (connections dropped).
/// </summary>
public sealed record FaultSettings(int LatencyMs, double ErrorRate, bool Outage, double TimeoutRate, int HangMs);

/// <summary>The switches as they are now, changed atomically.</summary>
public sealed class Faults
{
    private FaultSettings current = new(0, 0, false, 0, StandinHost.DefaultHangMs);

    public int LatencyMs { init => current = current with { LatencyMs = value }; }

    public double ErrorRate { init => current = current with { ErrorRate = value }; }

    public bool Outage { init => current = current with { Outage = value }; }

    public double TimeoutRate { init => current = current with { TimeoutRate = value }; }

    public int HangMs { init => current = current with { HangMs = value }; }

    public FaultSettings Current => Volatile.Read(ref current);

    public void Set(FaultSettings changed) => Volatile.Write(ref current, changed);

    /// <summary>Changes the switches named in <paramref name="changes"/>; those left out keep their value.</summary>
    public bool TryChange(JsonObject changes)
    {
        var next = Current;
        try
        {
            next = next with
            {
                LatencyMs = changes["latencyMs"]?.GetValue<int>() ?? next.LatencyMs,
                ErrorRate = changes["errorRate"]?.GetValue<double>() ?? next.ErrorRate,
                Outage = changes["outage"]?.GetValue<bool>() ?? next.Outage,
                TimeoutRate = changes["timeoutRate"]?.GetValue<double>() ?? next.TimeoutRate,
                HangMs = changes["hangMs"]?.GetValue<int>() ?? next.HangMs,
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return false;
        }

        if (next.LatencyMs < 0 || next.HangMs < 0 || next.ErrorRate is < 0 or > 1 || next.TimeoutRate is < 0 or > 1)
        {
            return false;
        }

        Set(next);
        return true;
    }
}
