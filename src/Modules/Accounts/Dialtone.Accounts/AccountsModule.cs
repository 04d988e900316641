using Dialtone.Accounts.Contracts;
using Dialtone.Accounts.Domain;
using Dialtone.Accounts.Domain.Representation;
using Dialtone.Accounts.Features.Accounts;
using Dialtone.Accounts.Features.ReferenceData;
using Dialtone.Accounts.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Accounts;

/// <summary>Accounts (TMF666 Account Management v4): its two doors.</summary>
public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<BillingAccountRules>();
        services.AddScoped<IBillingAccountBatchImport, Features.Import.BillingAccountBatchImport>();
        services.AddSingleton<PartyAccountRules>();
        services.AddSingleton<FinancialAccountRules>();
        services.AddSingleton<BillingCycleSpecificationRules>();
        services.AddSingleton<BillPresentationMediaRules>();
        services.AddScoped<Platform.PersonalData.IPersonalDataHolder, Features.PersonalData.AccountsPersonalData>();
        services.AddScoped<IBillingAccounts, BillingAccountDirectory>();

        services.AddModuleDbContext<AccountsDbContext, SqliteAccountsDbContext, PostgresAccountsDbContext>(AccountsDbContext.ModuleName);

        services.ConfigureWolverine(options => options.Discovery.IncludeAssembly(typeof(AccountsModule).Assembly));
        return services;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteAccountsDbContext, PostgresAccountsDbContext>());
        services.GetRequiredService<HubListenerDirectory>().Register<AccountsDbContext>(AccountResources.ApiName);

        endpoints.MapTmfResource<AccountsDbContext, BillingAccount, BillingAccountRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage);
        endpoints.MapTmfResource<AccountsDbContext, PartyAccount, PartyAccountRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage);
        endpoints.MapTmfResource<AccountsDbContext, FinancialAccount, FinancialAccountRules>(DialtonePolicies.CustomerData, DialtonePolicies.CustomerData, DialtonePolicies.CustomerDataManage);
        endpoints.MapTmfResource<AccountsDbContext, BillingCycleSpecification, BillingCycleSpecificationRules>(DialtonePolicies.CustomerData, DialtonePolicies.Admin);
        endpoints.MapTmfResource<AccountsDbContext, BillPresentationMedia, BillPresentationMediaRules>(DialtonePolicies.CustomerData, DialtonePolicies.Admin);
        endpoints.MapTmfHub<AccountsDbContext>(AccountResources.ApiName, DialtonePolicies.CustomerDataHub);
        return endpoints;
    }
}
