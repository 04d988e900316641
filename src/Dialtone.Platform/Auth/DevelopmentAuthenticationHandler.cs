using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Auth;

/// <summary>
/// Stands in for real tokens until the identity module exists: <c>Authorization: Dev {subject}:{role},{role}</c>.
/// Registered only when <c>Dialtone:Auth:DevelopmentScheme</c> is true (tests, and the Development environment);
/// never in production.
/// </summary>
public sealed class DevelopmentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Dev";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var value = header[(SchemeName.Length + 1)..].Trim();
        // "subject:role,role" or "subject:role,role:party" (a customer acting as their party).
        var parts = value.Split(':', 3);
        if (parts[0].Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("The Dev credential names no subject."));
        }

        var claims = new List<Claim> { new("sub", parts[0]), new(ClaimTypes.NameIdentifier, parts[0]) };
        if (parts.Length == 3 && parts[2].Length > 0)
        {
            claims.Add(new Claim(Caller.PartyClaim, parts[2]));
        }

        if (parts.Length >= 2)
        {
            claims.AddRange(parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(role => new Claim(ClaimTypes.Role, role)));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
