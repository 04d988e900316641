using System.Security.Claims;
using Dialtone.Identity.Domain;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;
using Dialtone.Identity.Features.Login;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dialtone.Identity.Features.Tokens;

/// <summary>
/// <c>POST /connect/token</c>: client credentials (the client's own roles and the scopes they allow), and the
/// authorization-code and refresh-token grants (the user re-read, so a locked or removed account gets no new token).
/// OpenIddict has already authenticated the client and validated the request; this decides who the token is for.
/// </summary>
internal static class TokenEndpoint
{
    public static RouteHandlerBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/connect/token", HandleAsync)
            .WithTags("OAuth 2.0")
            .WithSummary("Token endpoint (client_credentials, authorization_code with PKCE, refresh_token)")
            .AllowAnonymous()
            .RequireRateLimiting(LoginRateLimit.Policy)
            .AddEndpointFilter(LoginRateLimit.PerAccount)
            .DisableAntiforgery();

    private static async Task<IResult> HandleAsync(HttpContext http, IOpenIddictApplicationManager applications, IdentityAccounts accounts,
        UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId);
            identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application));
            identity.SetClaim(Claims.ClientId, request.ClientId);
            identity.SetClaims(Claims.Role, [.. await accounts.ClientRolesAsync(application)]);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = await users.FindByIdAsync(result.Principal?.GetClaim(Claims.Subject) ?? "");
            if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
            {
                return Forbid(Errors.InvalidGrant, "The account can no longer sign in.");
            }

            var identity = await UserIdentity.CreateAsync(user, users, result.Principal!.GetScopes());
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    internal static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
