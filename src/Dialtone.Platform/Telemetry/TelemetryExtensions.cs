using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dialtone.Platform.Telemetry;

/// <summary>Traces, metrics and logs, set up once for the whole host.</summary>
public static class TelemetryExtensions
{
    public const string ServiceName = "dialtone";

    /// <summary>The activity source every module starts its own spans from.</summary>
    public static readonly ActivitySource Source = new("Dialtone");

    public static IHostApplicationBuilder AddDialtoneTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            options.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
        builder.Logging.Configure(options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        PersonalData.PersonalDataLogging.AddPersonalDataRedaction(builder.Services, builder.Logging);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(Source.Name)
                .AddSource("Wolverine")
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") &&
                                                !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(Source.Name)
                // Each module's own meter: Dialtone.Charging (grain storage batches), ...
                .AddMeter(Source.Name + ".*")
                .AddMeter("Microsoft.Orleans")
                .AddMeter("Wolverine*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Echoes the trace context of the request as W3C <c>traceresponse</c> so that a caller that sent no
    /// <c>traceparent</c> can still quote the trace id; an incoming <c>traceparent</c> is honoured by ASP.NET Core itself.
    /// </summary>
    public static IApplicationBuilder UseTraceResponse(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                if (Activity.Current is { } activity)
                {
                    var flags = activity.Recorded ? "01" : "00";
                    http.Response.Headers["traceresponse"] = $"00-{activity.TraceId}-{activity.SpanId}-{flags}";
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
}
