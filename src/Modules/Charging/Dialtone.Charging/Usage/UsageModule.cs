using Dialtone.Charging.Contracts;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Usage;

/// <summary>
/// Rated usage (TMF635 Usage Management v4, issue 5): records made by the charging grains, relayed from the grain outbox
/// into the usage module's documents, read by their line's owner, agents, and billing (<see cref="IUsageRecords"/>).
/// </summary>
internal static class UsageModule
{
    public static IServiceCollection AddChargingUsage(this IServiceCollection services, IConfiguration configuration)
    {
        GrainOutboxOptions.Register(services, configuration);
        services.AddHostedService<GrainOutboxRelay>();
        services.AddSingleton<UsageRules>();
        services.AddSingleton<IGrainOutboxHandler, UsageRelay>();
        services.AddSingleton<IUsageRecords, UsageRecords>();
        services.AddScoped<Platform.PersonalData.IPersonalDataHolder, UsagePersonalData>();
        services.AddModuleDbContext<UsageDbContext, SqliteUsageDbContext, PostgresUsageDbContext>(UsageDbContext.ModuleName);
        return services;
    }

    public static IEndpointRouteBuilder MapChargingUsage(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteUsageDbContext, PostgresUsageDbContext>());
        services.GetRequiredService<HubListenerDirectory>().Register<UsageDbContext>(UsageResources.Api);
        // Read-only: records are written by charging alone (see UsageRules); TMF635's POST and PATCH are not offered.
        endpoints.MapTmfResourceReads<UsageDbContext, Representation.Usage, UsageRules>(DialtonePolicies.CustomerData);
        endpoints.MapTmfHub<UsageDbContext>(UsageResources.Api, DialtonePolicies.CustomerDataHub);
        return endpoints;
    }
}
