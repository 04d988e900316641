using Dialtone.Catalog.Domain.Representation;
using Dialtone.Catalog.Features.Catalogs;
using Dialtone.Catalog.Features.Categories;
using Dialtone.Catalog.Features.ProductOfferingPrices;
using Dialtone.Catalog.Features.ProductOfferings;
using Dialtone.Catalog.Features.ProductSpecifications;
using Dialtone.Catalog.Persistence;
using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Seeding;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Catalog;

/// <summary>The product catalog (TMF620 Product Catalog Management v4.1.0): its two doors.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddSingleton<ProductOfferingRules>();
        services.AddSingleton<ProductOfferingPriceRules>();
        services.AddSingleton<ProductSpecificationRules>();
        services.AddSingleton<CategoryRules>();
        services.AddSingleton<CatalogEntityRules>();

        services.AddScoped<Contracts.IOfferingCatalog, OfferingCatalog>();

        services.AddModuleDbContext<CatalogDbContext, SqliteCatalogDbContext, PostgresCatalogDbContext>(CatalogDbContext.ModuleName);

        services.AddHostedService<DemoCatalogSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteCatalogDbContext, PostgresCatalogDbContext>());
        services.GetRequiredService<HubListenerDirectory>().Register<CatalogDbContext>(CatalogResources.ApiName);

        endpoints.MapTmfResource<CatalogDbContext, Domain.Representation.Catalog, CatalogEntityRules>(DialtonePolicies.PublicRead, DialtonePolicies.CatalogWrite);
        endpoints.MapTmfResource<CatalogDbContext, Category, CategoryRules>(DialtonePolicies.PublicRead, DialtonePolicies.CatalogWrite);
        endpoints.MapTmfResource<CatalogDbContext, ProductSpecification, ProductSpecificationRules>(DialtonePolicies.PublicRead, DialtonePolicies.CatalogWrite);
        endpoints.MapTmfResource<CatalogDbContext, ProductOffering, ProductOfferingRules>(DialtonePolicies.PublicRead, DialtonePolicies.CatalogWrite);
        endpoints.MapTmfResource<CatalogDbContext, ProductOfferingPrice, ProductOfferingPriceRules>(DialtonePolicies.PublicRead, DialtonePolicies.CatalogWrite);
        endpoints.MapNewProductOfferingVersion();
        endpoints.MapTmfHub<CatalogDbContext>(CatalogResources.ApiName, DialtonePolicies.CatalogWrite);
        return endpoints;
    }
}
