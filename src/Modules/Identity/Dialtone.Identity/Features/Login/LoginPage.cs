using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace Dialtone.Identity.Features.Login;

/// <summary>
/// The authorization server's own login page, rendered by the server: email and password, an antiforgery token,
/// lockout after repeated failures (ASP.NET Core Identity), rate-limited per IP and per account. After a successful
/// login the browser goes back to the local URL it came from (the authorization request).
/// </summary>
internal static class LoginPage
{
    public const string Path = "/account/login";

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (HttpContext http, IAntiforgery antiforgery, string? returnUrl) => Page(http, antiforgery, returnUrl, error: null))
            .WithTags("OAuth 2.0")
            .WithSummary("Login page of the authorization server")
            .AllowAnonymous();

        endpoints.MapPost(Path, async (HttpContext http, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn, UserManager<IdentityUser> users) =>
            {
                try
                {
                    await antiforgery.ValidateRequestAsync(http);
                }
                catch (AntiforgeryValidationException)
                {
                    return Results.BadRequest("The form expired or did not come from this page; reload it and sign in again.");
                }

                var form = await http.Request.ReadFormAsync();
                var returnUrl = form["returnUrl"].ToString();
                var email = form["email"].ToString().Trim();
                var password = form["password"].ToString();
                var user = email.Length == 0 ? null : await users.FindByEmailAsync(email);
                if (user is null)
                {
                    return Page(http, antiforgery, returnUrl, "The email or password is not right.");
                }

                var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
                if (result.IsLockedOut)
                {
                    return Page(http, antiforgery, returnUrl, "Too many failed attempts: this account is locked for a while.");
                }

                if (!result.Succeeded)
                {
                    return Page(http, antiforgery, returnUrl, result.IsNotAllowed ? "Confirm your email address first." : "The email or password is not right.");
                }

                return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl : "/");
            })
            .WithTags("OAuth 2.0")
            .WithSummary("Sign in with email and password")
            .AllowAnonymous()
            .RequireRateLimiting(LoginRateLimit.Policy)
            .AddEndpointFilter(LoginRateLimit.PerAccount);
        return endpoints;
    }

    private static bool IsLocal(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var message = error is null ? "" : $"<p role=\"alert\" class=\"error\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in — Dialtone</title>
              <style>
                body { font-family: system-ui, sans-serif; max-width: 24rem; margin: 4rem auto; padding: 0 1rem; }
                label { display: block; margin-top: 1rem; }
                input { width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; }
                button { margin-top: 1.5rem; padding: .6rem 1.2rem; font-size: 1rem; }
                .error { color: #a00000; }
              </style>
            </head>
            <body>
              <main>
                <h1>Sign in to Dialtone</h1>
                {{message}}
                <form method="post" action="{{Path}}">
                  <input type="hidden" name="{{tokens.FormFieldName}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
                  <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required>
                  <button type="submit">Sign in</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: error is null ? 200 : 400);
    }
}
