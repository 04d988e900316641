using Dialtone.Identity.Contracts;
using Dialtone.Identity.Domain;
using Dialtone.Identity.Features.Administration;
using Dialtone.Identity.Features.Authorize;
using Dialtone.Identity.Features.Login;
using Dialtone.Identity.Features.SignUp;
using Dialtone.Identity.Features.Tokens;
using Dialtone.Identity.Persistence;
using Dialtone.Identity.Seeding;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using Wolverine;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dialtone.Identity;

/// <summary>Identity (ASP.NET Core Identity + OpenIddict, in-process): its two doors.</summary>
public static class IdentityModule
{
    public static IServiceCollection AddIdentityModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DialtoneIdentityOptions>().Bind(configuration.GetSection(DialtoneIdentityOptions.Section));
        var settings = configuration.GetSection(DialtoneIdentityOptions.Section).Get<DialtoneIdentityOptions>() ?? new DialtoneIdentityOptions();
        var requireHttps = configuration.GetValue("Dialtone:Identity:RequireHttps", true);

        services.AddDbContext<SqliteIdentityStoreDbContext>((provider, options) =>
            provider.GetRequiredService<DialtoneDatabase>().Configure(options.UseOpenIddict(), IdentityStoreDbContext.ModuleName));
        services.AddDbContext<PostgresIdentityStoreDbContext>((provider, options) =>
            provider.GetRequiredService<DialtoneDatabase>().Configure(options.UseOpenIddict(), IdentityStoreDbContext.ModuleName));
        services.AddProviderSpecificDbContext<IdentityStoreDbContext, SqliteIdentityStoreDbContext, PostgresIdentityStoreDbContext>();

        // The Data Protection key ring moves into the shared database, so every node decrypts what another protected.
        services.AddDataProtection().PersistKeysToDbContext<IdentityStoreDbContext>();

        services.AddIdentityCore<IdentityUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Emails and user names are personal data: stored encrypted (deterministically, so logins find them).
                options.Stores.ProtectPersonalData = true;
                // User names are email addresses (checked where they enter), which may hold any character RFC 5322 allows.
                options.User.AllowedUserNameCharacters = "";
                options.SignIn.RequireConfirmedEmail = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = settings.MaxFailedLogins;
                options.Lockout.DefaultLockoutTimeSpan = settings.LockoutDuration;
                // NIST SP 800-63B: length, not composition rules.
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireDigit = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                options.ClaimsIdentity.RoleClaimType = Claims.Role;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<IdentityStoreDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // Email confirmation by a six-digit code (typed from the mail) rather than a long link token.
        services.Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(options => options.Tokens.EmailConfirmationTokenProvider = TokenOptions.DefaultEmailProvider);
        services.AddSingleton<PersonalDataLookup>();
        services.AddSingleton<ILookupProtector>(provider => provider.GetRequiredService<PersonalDataLookup>());
        services.AddSingleton<ILookupProtectorKeyRing>(provider => provider.GetRequiredService<PersonalDataLookup>());
        services.AddSingleton<IPersonalDataProtector, DefaultPersonalDataProtector>();
        services.AddAuthentication().AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(cookie =>
        {
            cookie.LoginPath = LoginPage.Path;
            cookie.Cookie.Name = "dialtone.login";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(1);
        }));

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityStoreDbContext>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                server.RegisterScopes([Scopes.OpenId, Scopes.OfflineAccess, Scopes.Email, Scopes.Profile, Scopes.Roles, .. DialtoneScopes.All]);
                server.SetAccessTokenLifetime(settings.AccessTokenLifetime).SetRefreshTokenLifetime(settings.RefreshTokenLifetime);
                server.DisableAccessTokenEncryption();
                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (!requireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, TokenKeyRing>();
        services.Configure<DialtoneAuthenticationOptions>(options => options.BearerScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);

        services.AddAntiforgery();
        LoginRateLimit.Register(services);
        services.AddScoped<IdentityAccounts>();
        services.AddScoped<SubscriberAccounts>();
        services.AddScoped<Dialtone.Platform.PersonalData.IPersonalDataHolder, IdentityPersonalData>();
        services.AddScoped<ISubscriberAccounts>(provider => provider.GetRequiredService<SubscriberAccounts>());
        services.AddHostedService<IdentitySeeder>();
        // Handlers of other modules' service messages (MailParty).
        services.ConfigureWolverine(options => options.Discovery.IncludeAssembly(typeof(IdentityModule).Assembly));
        return services;
    }

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var database = services.GetRequiredService<DialtoneDatabase>();
        services.GetRequiredService<ModuleDatabases>().Add(database.ContextFor<SqliteIdentityStoreDbContext, PostgresIdentityStoreDbContext>());
        endpoints.MapAuthorizeEndpoint();
        endpoints.MapTokenEndpoint();
        endpoints.MapLoginPage();
        endpoints.MapIdentityAdministration();
        endpoints.MapSignUpConfirmation();
        return endpoints;
    }
}
