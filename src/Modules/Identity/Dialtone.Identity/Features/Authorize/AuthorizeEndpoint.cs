using System.Security.Claims;
using Dialtone.Identity.Domain;
using Dialtone.Identity.Features.Tokens;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dialtone.Identity.Features.Authorize;

/// <summary>
/// <c>GET /connect/authorize</c> (authorization code + PKCE): a signed-in person gets a code for the scopes their
/// roles allow; anyone else is sent to the login page and comes back here.
/// </summary>
internal static class AuthorizeEndpoint
{
    public static IEndpointRouteBuilder MapAuthorizeEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], HandleAsync)
            .WithTags("OAuth 2.0")
            .WithSummary("Authorization endpoint (authorization code with PKCE; sends to the login page when not signed in)")
            .AllowAnonymous()
            .DisableAntiforgery();
        endpoints.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], async (HttpContext http, SignInManager<IdentityUser> signIn) =>
            {
                await signIn.SignOutAsync();
                return Results.SignOut(properties: new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            })
            .WithTags("OAuth 2.0")
            .WithSummary("End-session endpoint")
            .AllowAnonymous()
            .DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!cookie.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return TokenEndpoint.Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.GetEncodedPathAndQuery() }, [IdentityConstants.ApplicationScheme]);
        }

        var user = await users.GetUserAsync(cookie.Principal!);
        if (user is null || !await signIn.CanSignInAsync(user))
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.GetEncodedPathAndQuery() }, [IdentityConstants.ApplicationScheme]);
        }

        var identity = await UserIdentity.CreateAsync(user, users, request.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
