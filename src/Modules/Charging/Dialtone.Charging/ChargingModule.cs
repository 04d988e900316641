using System.Net;
using System.Net.Sockets;
using Dialtone.Charging.Accounts;
using Dialtone.Charging.Balance;
using Dialtone.Charging.Nchf;
using Dialtone.Charging.Notifications;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Usage;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Wolverine;

namespace Dialtone.Charging;

/// <summary>
/// Real-time charging (issue 5, ADR 0012): Nchf_ConvergedCharging v3 on one Orleans grain per charging account, in a
/// silo hosted by this process (localhost clustering by default), with grain state in its own durable store.
/// </summary>
public static class ChargingModule
{
    /// <summary>Who may call the Nchf API: the 5G core's network functions (role <c>network</c>, scope <see cref="NchfScope"/>), or anyone on the SBI port unless it requires a token.</summary>
    public const string NchfPolicy = "nchf";

    /// <summary>The OAuth scope of TS 32.291's security scheme.</summary>
    public const string NchfScope = "nchf-convergedcharging";

    private const string SbiConnection = "dialtone.sbi";

    public static IServiceCollection AddCharging(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ChargingOptions.Section);
        services.Configure<ChargingOptions>(section);
        var settings = section.Get<ChargingOptions>() ?? new ChargingOptions();
        var dialtone = configuration.GetSection(DialtoneOptions.Section).Get<DialtoneOptions>() ?? new DialtoneOptions();

        services.AddScoped<ChargingLines>();
        services.AddSingleton<Grains.ChargingAccountReferences>();
        services.AddSingleton<NchfNotifier>();
        services.AddSingleton<Outbox.IGrainOutboxHandler>(provider => provider.GetRequiredService<NchfNotifier>());
        services.AddHostedService(provider => provider.GetRequiredService<NchfNotifier>());
        services.AddSingleton<Outbox.IGrainOutboxHandler, Grains.VoucherCreditRelay>();
        services.AddHostedService<Seeding.DemoVouchers>();
        // The consumers' notifyUri: TS 32.291's callbacks are HTTP/2 on a real SBI; this client speaks HTTP/1.1 (or HTTP/2 over TLS).
        services.AddHttpClient(NchfNotifier.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddAuthorizationBuilder().AddPolicy(NchfPolicy, policy => policy.RequireAssertion(context => MayCharge(context, settings)));

        // The silo's own clocks (request timeouts, membership, directory, activation collection) run on real time; the
        // app's TimeProvider is business time (validity, resets, tombstones), which tests move by days. Without this a
        // jump of the app's clock timed out every grain call in flight ("Response did not arrive on time").
        foreach (var area in new[] { TimeProviderNames.Messaging, TimeProviderNames.SystemTimers, TimeProviderNames.Membership,
                     TimeProviderNames.ActivationManagement, TimeProviderNames.GrainDirectory })
        {
            services.AddKeyedSingleton(area, TimeProvider.System);
        }

        var siloPort = settings.SiloPort > 0 ? settings.SiloPort : FreePort();
        services.AddOrleans(silo =>
        {
            // The grains' callers live in this process, so the silo opens no client gateway (GatewayPort 0); its silo
            // port is on the loopback only. A real cluster needs TLS between silos (Microsoft.Orleans.Connections.Security).
            silo.UseLocalhostClustering(siloPort, settings.GatewayPort, serviceId: "dialtone", clusterId: "dialtone-local");
            silo.Configure<GrainCollectionOptions>(options => options.CollectionAge = TimeSpan.FromMinutes(30));
            // Grain state lives apart from the module databases (ADR 0012): its own SQLite file, or the PostgreSQL database's own schema.
            silo.AddBatchingGrainStorage(Grains.ChargingStorage.Name, storage =>
            {
                storage.Provider = dialtone.Database.Provider;
                storage.ConnectionString = dialtone.Database.Provider == DatabaseProvider.Postgres ? configuration.GetConnectionString("Dialtone") : null;
                section.GetSection("Storage").Bind(storage);
            });
        });

        if (settings.SbiPort > 0)
        {
            services.Configure<KestrelServerOptions>(kestrel => ListenWithSbi(kestrel, configuration, settings));
        }

        services.AddChargingUsage(configuration);
        services.AddChargingNotifications();
        services.ConfigureWolverine(options => options.Discovery.IncludeAssembly(typeof(ChargingModule).Assembly));
        return services;
    }

    public static IEndpointRouteBuilder MapCharging(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapNchf(NchfPolicy);
        endpoints.MapPrepayBalance();
        endpoints.MapChargingUsage();
        endpoints.MapGrainOutboxDeadLetters();
        endpoints.MapChargingNotifications();
        return endpoints;
    }

    private static bool MayCharge(AuthorizationHandlerContext context, ChargingOptions settings)
    {
        var caller = Caller.From(context.User);
        if (caller.IsInRole(DialtoneRoles.Network) && caller.HasScope(NchfScope))
        {
            return true;
        }

        // Trusted by the listener the connection came in on (tagged below), not by a port number another binding could share.
        return !settings.SbiRequiresToken && context.Resource is HttpContext http
            && http.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(SbiConnection) == true;
    }

    /// <summary>
    /// Kestrel takes either the configured URLs or endpoints set in code, not both: so the configured URLs (<c>urls</c>,
    /// <c>--urls</c>, <c>ASPNETCORE_URLS</c>) are bound here as they would have been, and the SBI port beside them speaks
    /// HTTP/2 cleartext with prior knowledge (h2c), as SMFs do.
    /// </summary>
    private static void ListenWithSbi(KestrelServerOptions kestrel, IConfiguration configuration, ChargingOptions settings)
    {
        foreach (var url in (configuration["urls"] ?? "http://localhost:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            Action<ListenOptions> https = address.Scheme == "https" ? listen => listen.UseHttps() : _ => { };
            if (address.Host is "localhost")
            {
                kestrel.ListenLocalhost(address.Port, https);
            }
            else if (address.Host is "*" or "+" or "0.0.0.0" or "[::]" || !IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
            {
                kestrel.ListenAnyIP(address.Port, https);
            }
            else
            {
                kestrel.Listen(ip, address.Port, https);
            }
        }

        Action<ListenOptions> h2c = listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                connection.Items[SbiConnection] = true;
                if (!settings.SbiRequiresToken)
                {
                    connection.Items[PlatformHosting.UnauthenticatedConnection] = true;
                }

                return next(connection);
            });
        };
        if (settings.SbiAddress == "localhost")
        {
            kestrel.ListenLocalhost(settings.SbiPort, h2c);
        }
        else
        {
            kestrel.ListenAnyIP(settings.SbiPort, h2c);
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
