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

    /// <summary>
    /// Reading and changing customer data (parties, customers, accounts): a customer with <c>selfservice</c> (their own data),
    /// an agent with <c>care</c>, a partner with <c>partner</c> (what it created), an admin with <c>admin</c>.
    /// Object-level rules then narrow what each one sees.
    /// </summary>
    public const string CustomerData = "customer-data";

    /// <summary>Creating and deleting customer data: agents, partners and admins (customers sign up instead).</summary>
    public const string CustomerDataManage = "customer-data-manage";

    /// <summary>The role and token scope each kind of caller needs to touch customer data.</summary>
    public static readonly IReadOnlyDictionary<string, string> CustomerDataScopes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DialtoneRoles.Customer] = DialtoneScopeNames.SelfService,
        [DialtoneRoles.Agent] = DialtoneScopeNames.Care,
        [DialtoneRoles.Partner] = DialtoneScopeNames.Partner,
        [DialtoneRoles.Admin] = DialtoneScopeNames.Admin,
    };

    /// <summary>Registering event listeners on a customer-data API: admins (every event) and partners (the events of what they created).</summary>
    public const string CustomerDataHub = "customer-data-hub";

    /// <summary>A customer acting for themself (role customer, scope selfservice, a party in the token): the <c>/selfservice/me</c> endpoints.</summary>
    public const string SelfService = "self-service";

    public static void AddTo(AuthorizationOptions options)
    {
        options.AddPolicy(SelfService, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => Caller.From(context.User).IsSelfService));
        options.AddPolicy(CustomerData, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => HasRoleWithScope(Caller.From(context.User), CustomerDataScopes.Keys)));
        options.AddPolicy(CustomerDataManage, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => HasRoleWithScope(Caller.From(context.User), [DialtoneRoles.Agent, DialtoneRoles.Partner, DialtoneRoles.Admin])));
        options.AddPolicy(CustomerDataHub, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => HasRoleWithScope(Caller.From(context.User), [DialtoneRoles.Partner, DialtoneRoles.Admin])));
        options.AddPolicy(PublicRead, policy => policy.RequireAssertion(_ => true));
        options.AddPolicy(CatalogWrite, policy => policy.RequireAuthenticatedUser()
            .RequireRole(DialtoneRoles.ProductManager, DialtoneRoles.Admin)
            .RequireAssertion(context => Caller.From(context.User).HasScope(DialtoneScopeNames.CatalogWrite)));
        options.AddPolicy(Admin, policy => policy.RequireAuthenticatedUser()
            .RequireRole(DialtoneRoles.Admin)
            .RequireAssertion(context => Caller.From(context.User).HasScope(DialtoneScopeNames.Admin)));
    }

    /// <summary>Whether the caller holds one of <paramref name="roles"/> together with the scope that role needs for customer data.</summary>
    public static bool HasRoleWithScope(Caller caller, IEnumerable<string> roles) =>
        roles.Any(role => caller.IsInRole(role) && caller.HasScope(CustomerDataScopes[role]));
}

/// <summary>The OAuth scopes the platform's policies ask for (the identity module issues them).</summary>
public static class DialtoneScopeNames
{
    public const string CatalogWrite = "catalog.write";
    public const string Admin = "admin";
    public const string SelfService = "selfservice";
    public const string Care = "care";
    public const string Partner = "partner";
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
    /// <summary>The claim that names the party (TMF632 individual) a customer's account belongs to.</summary>
    public const string PartyClaim = "dialtone_party";

    public static readonly Caller Anonymous = new(null, new HashSet<string>());

    /// <summary>The party a customer acts as; null for staff, clients and anonymous callers.</summary>
    public string? PartyId { get; init; }

    /// <summary>The OAuth client the token was issued to; null without a token.</summary>
    public string? ClientId { get; init; }

    /// <summary>Staff who may see every customer's data: agents (care) and admins.</summary>
    public bool IsCustomerCare => DialtonePolicies.HasRoleWithScope(this, [DialtoneRoles.Agent, DialtoneRoles.Admin]);

    /// <summary>A partner client acting with its partner scope: it sees what it created.</summary>
    public bool IsPartner => DialtonePolicies.HasRoleWithScope(this, [DialtoneRoles.Partner]);

    /// <summary>Registering event listeners on a customer-data API: admins (every event) and partners (the events of what they created).</summary>
    public const string CustomerDataHub = "customer-data-hub";

    /// <summary>A customer acting for themself: they see what belongs to their party.</summary>
    public bool IsSelfService => PartyId is not null && DialtonePolicies.HasRoleWithScope(this, [DialtoneRoles.Customer]);

    /// <summary>Whether a token granted <paramref name="scope"/> (callers without a token have no scope limit).</summary>
    public bool HasScope(string scope) => Scopes is null || Scopes.Contains(scope);

    public bool IsAuthenticated => Subject is not null;

    public bool IsInRole(string role) => Roles.Contains(role);

    /// <summary>The key that scopes what a caller owns or has sent (idempotency keys, later object-level rules).</summary>
    public string ScopeKey => Subject ?? "anonymous";

    /// <summary>
    /// Who created a record, as stored and compared for a partner's visibility: <c>client:{id}</c> for a client-credentials
    /// token, <c>user:{id}</c> for a person (or a system caller built in code). Client ids are chosen by admins, user ids
    /// by Identity, so a client can never be named like a user or like the sign-up.
    /// </summary>
    public string? OwnerKey => Subject is null ? null : (ClientId is not null && ClientId == Subject ? "client:" : "user:") + Subject;

    /// <summary>
    /// The system acting for whoever created a record (<paramref name="ownerKey"/> as in <see cref="OwnerKey"/>), with
    /// <paramref name="roles"/>: what it writes is owned, for a partner's visibility, by the same creator.
    /// </summary>
    public static Caller ActingFor(string ownerKey, params string[] roles)
    {
        var isClient = ownerKey.StartsWith("client:", StringComparison.Ordinal);
        var subject = ownerKey[(ownerKey.IndexOf(':') + 1)..];
        return new Caller(subject, new HashSet<string>(roles, StringComparer.Ordinal)) { ClientId = isClient ? subject : null };
    }

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
        return new Caller(subject, roles, scopes) { PartyId = user.FindFirstValue(PartyClaim), ClientId = user.FindFirstValue("client_id") ?? user.FindFirstValue("azp") };
    }
}

public static class CallerExtensions
{
    public static Caller GetCaller(this HttpContext context) => Caller.From(context.User);
}
