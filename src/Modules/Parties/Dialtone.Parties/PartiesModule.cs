using Dialtone.Identity.Contracts;
using Dialtone.Parties.Contracts;
using Dialtone.Parties.Domain;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Domain.Representation.Customers;
using Dialtone.Parties.Features.Customers;
using Dialtone.Parties.Features.Individuals;
using Dialtone.Parties.Features.Organizations;
using Dialtone.Parties.Features.SelfService;
using Dialtone.Parties.Features.SignUp;
using Dialtone.Parties.Persistence;
using Dialtone.Parties.Seeding;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Parties;

/// <summary>Parties and customers (TMF632 Party Management v4, TMF629 Customer Management v4) and the sign-up: its two doors.</summary>
public static class PartiesModule
{
    public static IServiceCollection AddParties(this IServiceCollection services)
    {
        services.AddSingleton<IndividualRules>();
        services.AddSingleton<OrganizationRules>();
        services.AddSingleton<CustomerRules>();
        services.AddScoped<SignUpCommand>();
        services.AddScoped<IPartyDirectory, PartyDirectory>();
        services.AddScoped<ICustomerRecords, CustomerRecords>();
        services.AddScoped<ICustomerBatchImport, Features.Import.CustomerBatchImport>();
        services.AddScoped<Platform.PersonalData.IPersonalDataHolder, Features.SelfService.PartiesPersonalData>();

        services.AddModuleDbContext<PartiesDbContext, SqlitePartiesDbContext, PostgresPartiesDbContext>(PartiesDbContext.ModuleName);

        services.AddHostedService<DemoSubscribersSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapParties(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqlitePartiesDbContext, PostgresPartiesDbContext>());
        var hubs = services.GetRequiredService<HubListenerDirectory>();
        hubs.Register<PartiesDbContext>(PartyResources.PartyApi);
        hubs.Register<PartiesDbContext>(PartyResources.CustomerApi);

        endpoints.MapTmfResource<PartiesDbContext, Individual, IndividualRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage);
        endpoints.MapTmfResource<PartiesDbContext, Organization, OrganizationRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage);
        endpoints.MapTmfResource<PartiesDbContext, Customer, CustomerRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage);
        endpoints.MapTmfHub<PartiesDbContext>(PartyResources.PartyApi, DialtonePolicies.CustomerDataHub);
        endpoints.MapTmfHub<PartiesDbContext>(PartyResources.CustomerApi, DialtonePolicies.CustomerDataHub);
        endpoints.MapSignUp(IdentityRateLimits.Login);
        endpoints.MapSelfService();
        return endpoints;
    }
}
