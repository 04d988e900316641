using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Features.Fulfilment;
using Dialtone.Ordering.Features.IdentityChecks;
using Dialtone.Ordering.Features.NumberSelection;
using Dialtone.Ordering.Handlers;
using Dialtone.Ordering.Features.ProductOrders;
using Dialtone.Ordering.Features.ServiceOrders;
using Dialtone.Ordering.Numbers;
using Dialtone.Ordering.Persistence;
using Dialtone.Ordering.Provisioning;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Dialtone.Ordering;

/// <summary>Ordering (TMF622 Product Ordering v4, TMF641 Service Ordering v4 read-only) and order fulfilment: its two doors.</summary>
public static class OrderingModule
{
    public const string FulfilmentQueue = "ordering";

    public static IServiceCollection AddOrdering(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OrderingOptions>(configuration.GetSection(OrderingOptions.Section));
        services.AddSingleton<NumberPool>();
        services.AddSingleton<OrderPlanner>();
        services.AddSingleton<ProductOrderRules>();
        services.AddSingleton<CancelProductOrderRules>();
        services.AddSingleton<ServiceOrderRules>();
        services.AddScoped<Platform.PersonalData.IPersonalDataHolder, Features.PersonalData.OrderingPersonalData>();
        services.AddSingleton<OrderFulfilment>();
        services.AddHostedService<OrderDeadlines>();
        services.AddSingleton<Seeding.DemoLines>();
        services.AddSingleton<Contracts.IMigrationOrderBatch, Features.Migration.MigrationOrders>();
        HttpProvisioningSystems.Register(services);
        services.AddModuleDbContext<OrderingDbContext, SqliteOrderingDbContext, PostgresOrderingDbContext>(OrderingDbContext.ModuleName);

        services.ConfigureWolverine(options =>
        {
            options.Discovery.IncludeAssembly(typeof(OrderingModule).Assembly);
            // One order is advanced by one handler at a time (its messages share a partition); orders advance in parallel.
            options.MessagePartitioning
                .ByMessage<AdvanceProductOrder>(m => m.OrderId)
                .PublishToPartitionedLocalMessaging(FulfilmentQueue, 4, topology =>
                {
                    topology.Message<AdvanceProductOrder>();
                    topology.ConfigureQueues(queue => queue.UseDurableInbox());
                });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapOrdering(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteOrderingDbContext, PostgresOrderingDbContext>());
        services.GetRequiredService<HubListenerDirectory>().Register<OrderingDbContext>(OrderingResources.ApiName);
        services.GetRequiredService<HubListenerDirectory>().Register<OrderingDbContext>(ServiceOrderingResources.ApiName);

        endpoints.MapTmfResource<OrderingDbContext, ProductOrder, ProductOrderRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage, DialtonePolicies.CustomerData);
        endpoints.MapTmfResource<OrderingDbContext, CancelProductOrder, CancelProductOrderRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage, DialtonePolicies.CustomerData);
        endpoints.MapTmfResourceReads<OrderingDbContext, Dialtone.Ordering.Domain.Representation.ServiceOrdering.ServiceOrder, ServiceOrderRules>(DialtonePolicies.CustomerData);
        endpoints.MapIdentityCheck();
        endpoints.MapAvailableNumbers();
        endpoints.MapTmfHub<OrderingDbContext>(OrderingResources.ApiName, DialtonePolicies.CustomerDataHub);
        endpoints.MapTmfHub<OrderingDbContext>(ServiceOrderingResources.ApiName, DialtonePolicies.CustomerDataHub);
        return endpoints;
    }
}
