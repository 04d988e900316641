using Dialtone.Inventory.Contracts;
using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation;
using Dialtone.Inventory.Features.Esim;
using Dialtone.Inventory.Features.Products;
using Dialtone.Inventory.Features.Services;
using Dialtone.Inventory.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Dialtone.Inventory;

/// <summary>Inventory (TMF637 Product Inventory v4, TMF638 Service Inventory v4): its two doors. Products and services are read through the API and changed by completed orders only.</summary>
public static class InventoryModule
{
    public static IServiceCollection AddInventory(this IServiceCollection services)
    {
        services.AddSingleton<ProductRules>();
        services.AddSingleton<ServiceRules>();
        services.AddScoped<Platform.PersonalData.IPersonalDataHolder, Features.PersonalData.InventoryPersonalData>();
        services.AddSingleton<IProductInventory, ProductInventory>();
        services.AddModuleDbContext<InventoryDbContext, SqliteInventoryDbContext, PostgresInventoryDbContext>(InventoryDbContext.ModuleName);
        services.ConfigureWolverine(options => options.Discovery.IncludeAssembly(typeof(InventoryModule).Assembly));
        return services;
    }

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteInventoryDbContext, PostgresInventoryDbContext>());
        services.GetRequiredService<HubListenerDirectory>().Register<InventoryDbContext>(InventoryResources.ProductApi);
        services.GetRequiredService<HubListenerDirectory>().Register<InventoryDbContext>(InventoryResources.ServiceApi);

        endpoints.MapTmfResourceReads<InventoryDbContext, Product, ProductRules>(DialtonePolicies.CustomerData);
        endpoints.MapTmfResourceReads<InventoryDbContext, Domain.Representation.ServiceInventory.Service, ServiceRules>(DialtonePolicies.CustomerData);
        endpoints.MapEsimActivation();
        endpoints.MapTmfHub<InventoryDbContext>(InventoryResources.ProductApi, DialtonePolicies.CustomerDataHub);
        endpoints.MapTmfHub<InventoryDbContext>(InventoryResources.ServiceApi, DialtonePolicies.CustomerDataHub);
        return endpoints;
    }
}
