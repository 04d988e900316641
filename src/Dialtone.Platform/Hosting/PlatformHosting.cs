using Dialtone.Platform.Audit;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Messaging;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Telemetry;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Dialtone.Platform.Hosting;

/// <summary>The platform's two doors: what every module stands on, registered and mapped once.</summary>
public static class PlatformHosting
{
    /// <summary>The connection item a listener sets on connections whose requests skip authentication (see <see cref="UseDialtonePlatform"/>).</summary>
    public const string UnauthenticatedConnection = "dialtone.unauthenticated";

    public static WebApplicationBuilder AddDialtonePlatform(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = builder.Configuration.GetSection(DialtoneOptions.Section).Get<DialtoneOptions>() ?? new DialtoneOptions();
        services.AddOptions<DialtoneOptions>().Bind(builder.Configuration.GetSection(DialtoneOptions.Section));
        // Before SQLite and OpenSSL allocate much: see NativeHeap.
        services.AddSingleton(new NativeHeapTuning(NativeHeap.Tune(builder.Configuration.GetValue("Dialtone:NativeHeap:Tune", true), Environment.GetEnvironmentVariable("GLIBC_TUNABLES"))));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DialtoneDatabase>();
        services.AddSingleton<PersonalData.PersonalDataProtector>();
        services.AddSingleton<ModuleDatabases>();
        services.AddSingleton<DatabaseReadiness>();
        services.AddSingleton<Idempotency.IdempotencyGate>();
        services.AddSingleton<Tmf.Documents.TmfReadCache>();
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton<Idempotency.IdempotencyPurge>();
        services.AddHostedService(provider => provider.GetRequiredService<Idempotency.IdempotencyPurge>());

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = TmfBody.MaxBytes);
        services.ConfigureHttpJsonOptions(json => TmfJson.Configure(json.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<TmfExceptionHandler>();

        services.AddDataProtection()
            .SetApplicationName("Dialtone")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(settings.DataDirectory), "keys")));

        services.AddDialtoneAuthentication(builder.Configuration.GetValue<bool>("Dialtone:Auth:DevelopmentScheme"));
        services.AddAuthorization(DialtonePolicies.AddTo);
        services.AddRateLimiter(_ => { });

        services.AddHealthChecks()
            .AddCheck("live", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        services.AddOpenApi(options => options.AddDialtoneDocumentConventions());
        builder.AddDialtoneTelemetry();
        builder.AddDialtoneMessaging(settings);
        return builder;
    }

    public static WebApplication UseDialtonePlatform(this WebApplication app)
    {
        var nativeHeap = app.Services.GetRequiredService<NativeHeapTuning>();
        NativeHeap.LogTuning(app.Logger, nativeHeap.Outcome);
        app.UseExceptionHandler();
        app.UseTmfStatusCodeBodies();
        app.UseTraceResponse();
        // A listener that trusts its network (the charging SBI port when it requires no token) marks its connections: their
        // requests carry no credentials to check, so the per-request authentication work (every request handler scheme,
        // OpenIddict's among them) is skipped for them; their endpoints' policies decide by the mark.
        app.UseWhen(static context => context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(UnauthenticatedConnection) != true,
            static branch => branch.UseAuthentication());
        // UseAuthentication on a branch does not tell the host it was added (the branch's properties are a copy), and the host
        // would then put an unconditional one in front of the whole pipeline: the marker UseAuthentication sets, set here.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options
                .WithTitle("Dialtone API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools())
            .AllowAnonymous();
        app.MapGet("/", () => Results.Redirect("/docs")).AllowAnonymous().ExcludeFromDescription();
        app.MapDeadLetters();
        app.MapAuditLog();
        return app;
    }
}
