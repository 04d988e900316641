using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.BillHistory;
using Dialtone.Legacy.Features.ImportJobs;
using Dialtone.Legacy.Features.PlanMappings;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Features.Reconciliation;
using Dialtone.Legacy.Features.Sync;
using Dialtone.Legacy.Handlers;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.ErrorHandling;

namespace Dialtone.Legacy;

/// <summary>The anti-corruption layer in front of the legacy system of record (issue 6): bulk import, bill history read-through, propagation of changes, the change-feed sync and reconciliation. Its two doors.</summary>
public static class LegacyModule
{
    public const string PropagationQueue = "legacy-propagation";

    public static IServiceCollection AddLegacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LegacyOptions>().Bind(configuration.GetSection("Dialtone:Legacy"))
            .PostConfigure<IOptions<DialtoneOptions>>((legacy, dialtone) =>
            {
                if (string.IsNullOrWhiteSpace(legacy.SpoolDirectory))
                {
                    legacy.SpoolDirectory = Path.Combine(dialtone.Value.DataDirectory, "legacy-imports");
                }

                if (!legacy.BaseUrl.EndsWith('/'))
                {
                    legacy.BaseUrl += "/";
                }
            });
        services.AddModuleDbContext<LegacyDbContext, SqliteLegacyDbContext, PostgresLegacyDbContext>(LegacyDbContext.ModuleName);
        services.AddHttpClient(nameof(ImportJobRunner), client => client.Timeout = TimeSpan.FromMinutes(10));
        services.AddSingleton<ImportJobRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<ImportJobRunner>());

        LegacyResilience.Register(services);
        services.AddSingleton<LegacyMetrics>();
        services.AddScoped<LegacyChangeDelivery>();
        services.AddScoped<LegacyPlanDelivery>();
        services.AddScoped<Platform.PersonalData.IPersonalDataHolder, LegacyPersonalData>();
        services.AddHostedService<LegacyPropagationMonitor>();
        services.AddSingleton<LegacyChangeRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<LegacyChangeRetention>());
        services.AddSingleton<LegacyFeedMetrics>();
        services.AddScoped<LegacyFeedApplier>();
        services.AddHostedService<LegacyFeedSync>();
        services.AddSingleton<ReconciliationRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<ReconciliationRunner>());
        var propagation = configuration.GetSection("Dialtone:Legacy:Propagation").Get<LegacyPropagationOptions>() ?? new LegacyPropagationOptions();
        services.ConfigureWolverine(options =>
        {
            options.Discovery.IncludeAssembly(typeof(LegacyModule).Assembly);
            // Changes of one person are delivered one at a time (a shared partition); different people in parallel.
            options.MessagePartitioning
                .ByMessage<PropagateLegacyChange>(m => m.PartyId)
                .PublishToPartitionedLocalMessaging(PropagationQueue, 4, topology =>
                {
                    topology.Message<PropagateLegacyChange>();
                    topology.ConfigureQueues(queue => queue.UseDurableInbox());
                });
            // Rescheduled, not retried in place: a waiting change does not hold up others, and the order of deliveries
            // does not matter since each sends the current state. The delivery counts refusals and dead-letters itself.
            options.Policies.OnException<LegacyDeliveryDeferredException>().ScheduleRetryIndefinitely([.. propagation.EffectiveRetryDelays]);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapLegacy(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteLegacyDbContext, PostgresLegacyDbContext>());
        endpoints.MapImportJobs();
        endpoints.MapPlanMappings();
        endpoints.MapBillHistory();
        endpoints.MapPropagation();
        endpoints.MapSync();
        endpoints.MapReconciliations();
        return endpoints;
    }
}
