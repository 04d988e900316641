using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Auth;

/// <summary>Which scheme validates bearer tokens; the identity module sets it, the platform forwards to it.</summary>
public sealed class DialtoneAuthenticationOptions
{
    /// <summary>The scheme that validates <c>Authorization: Bearer</c> tokens; null while no identity module is present.</summary>
    public string? BearerScheme { get; set; }
}

/// <summary>
/// The one default scheme every endpoint authenticates with. It forwards to the development scheme for
/// <c>Authorization: Dev ...</c> (only where that scheme is enabled), <c>Authorization: Bearer ...</c> to the token
/// scheme of the identity module, and anything else to a scheme that authenticates nobody (so its challenge is a 401).
/// </summary>
public static class DialtoneAuthentication
{
    public const string Scheme = "Dialtone";
    public const string NoCredentialsScheme = "NoCredentials";

    public static AuthenticationBuilder AddDialtoneAuthentication(this IServiceCollection services, bool developmentScheme)
    {
        services.AddOptions<DialtoneAuthenticationOptions>();
        var builder = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Dialtone", options => options.ForwardDefaultSelector = context => Select(context, developmentScheme))
            .AddScheme<AuthenticationSchemeOptions, NoCredentialsAuthenticationHandler>(NoCredentialsScheme, null);
        if (developmentScheme)
        {
            builder.AddScheme<AuthenticationSchemeOptions, DevelopmentAuthenticationHandler>(DevelopmentAuthenticationHandler.SchemeName, null);
        }

        return builder;
    }

    private static string Select(HttpContext context, bool developmentScheme)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (developmentScheme && header.StartsWith(DevelopmentAuthenticationHandler.SchemeName + " ", StringComparison.Ordinal))
        {
            return DevelopmentAuthenticationHandler.SchemeName;
        }

        // Anonymous requests (no credentials at all) never reach the token validator: nothing to validate, nothing to pay for.
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? context.RequestServices.GetRequiredService<IOptions<DialtoneAuthenticationOptions>>().Value.BearerScheme ?? NoCredentialsScheme
            : NoCredentialsScheme;
    }
}
