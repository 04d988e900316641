using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dialtone.Identity.Domain;

/// <summary>The claims of a person's tokens: subject, name, email, roles, and only the requested scopes their roles allow.</summary>
internal static class UserIdentity
{
    public static async Task<ClaimsIdentity> CreateAsync(IdentityUser user, UserManager<IdentityUser> users, IEnumerable<string> requestedScopes)
    {
        var roles = await users.GetRolesAsync(user);
        var allowed = roles.SelectMany(r => IdentityAccounts.ScopesByRole.GetValueOrDefault(r) ?? [])
            .Concat([Scopes.OpenId, Scopes.OfflineAccess, Scopes.Email, Scopes.Profile, Scopes.Roles])
            .ToHashSet(StringComparer.Ordinal);

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id);
        identity.SetClaim(Claims.Name, user.UserName);
        identity.SetClaim(Claims.Email, user.Email);
        identity.SetClaims(Claims.Role, [.. roles]);
        if ((await users.GetClaimsAsync(user)).FirstOrDefault(c => c.Type == Dialtone.Platform.Auth.Caller.PartyClaim) is { } party)
        {
            // The party a customer acts as: every object-level rule compares against it.
            identity.SetClaim(Dialtone.Platform.Auth.Caller.PartyClaim, party.Value);
        }

        identity.SetScopes(requestedScopes.Where(allowed.Contains));
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.Email when identity.HasScope(Scopes.Profile) || identity.HasScope(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Role => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return identity;
    }
}
