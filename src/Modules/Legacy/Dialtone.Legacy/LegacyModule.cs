using Dialtone.Legacy.Features.ImportJobs;
using Dialtone.Legacy.Features.PlanMappings;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy;

/// <summary>The anti-corruption layer in front of the legacy system of record (issue 6), so far its bulk import: its two doors.</summary>
public static class LegacyModule
{
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
        return services;
    }

    public static IEndpointRouteBuilder MapLegacy(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteLegacyDbContext, PostgresLegacyDbContext>());
        endpoints.MapImportJobs();
        endpoints.MapPlanMappings();
        return endpoints;
    }
}
