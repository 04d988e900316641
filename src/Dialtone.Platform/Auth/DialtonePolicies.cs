using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Dialtone.Platform.Auth;

/// <summary>The authorization policies every endpoint declares one of; identity backs them with real tokens.</summary>
public static class DialtonePolicies
{
    /// <summary>Anyone may call; the caller, if known, still shapes the answer (e.g. what a catalog read shows).</summary>
    public const string PublicRead = "public-read";

    /// <summary>Managing the product catalog: product managers and admins.</summary>
    public const string CatalogWrite = "catalog-write";

    /// <summary>Operating the platform: dead letters, clients, settings.</summary>
    public const string Admin = "admin";

    public static void AddTo(AuthorizationOptions options)
    {
        options.AddPolicy(PublicRead, policy => policy.RequireAssertion(_ => true));
        options.AddPolicy(CatalogWrite, policy => policy.RequireAuthenticatedUser()
            .RequireRole(DialtoneRoles.ProductManager, DialtoneRoles.Admin)
            .RequireAssertion(context => Caller.From(context.User).HasScope(DialtoneScopeNames.CatalogWrite)));
        options.AddPolicy(Admin, policy => policy.RequireAuthenticatedUser()
            .RequireRole(DialtoneRoles.Admin)
            .RequireAssertion(context => Caller.From(context.User).HasScope(DialtoneScopeNames.Admin)));
    }
}

/// <summary>The OAuth scopes the platform's policies ask for (the identity module issues them).</summary>
public static class DialtoneScopeNames
{
    public const string CatalogWrite = "catalog.write";
    public const string Admin = "admin";
}

/// <summary>The roles of Dialtone's callers.</summary>
public static class DialtoneRoles
{
    public const string Customer = "customer";
    public const string Agent = "agent";
    public const string ProductManager = "productManager";
    public const string Admin = "admin";
    public const string Partner = "partner";
    public const string Network = "network";
}

/// <summary>Who is calling, as every module sees it, whatever scheme authenticated them.</summary>
/// <param name="Subject">The user id or client id; null when anonymous.</param>
/// <param name="Roles">The caller's roles.</param>
/// <param name="Scopes">The token's scopes; null when the caller was not authenticated by a token (the development scheme), which grants what its roles grant.</param>
public sealed record Caller(string? Subject, IReadOnlySet<string> Roles, IReadOnlySet<string>? Scopes = null)
{
    public static readonly Caller Anonymous = new(null, new HashSet<string>());

    /// <summary>Whether a token granted <paramref name="scope"/> (callers without a token have no scope limit).</summary>
    public bool HasScope(string scope) => Scopes is null || Scopes.Contains(scope);

    public bool IsAuthenticated => Subject is not null;

    public bool IsInRole(string role) => Roles.Contains(role);

    /// <summary>The key that scopes what a caller owns or has sent (idempotency keys, later object-level rules).</summary>
    public string ScopeKey => Subject ?? "anonymous";

    public static Caller From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }

        var subject = user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity.Name ?? "unknown";
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Concat(user.FindAll("role").Select(c => c.Value)).ToHashSet();
        var fromToken = user.Identity.AuthenticationType != DevelopmentAuthenticationHandler.SchemeName;
        var scopes = fromToken
            ? user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Concat(user.FindAll("oi_scp").Select(c => c.Value)).ToHashSet(StringComparer.Ordinal)
            : null;
        return new Caller(subject, roles, scopes);
    }
}

public static class CallerExtensions
{
    public static Caller GetCaller(this HttpContext context) => Caller.From(context.User);
}
