using System.Text.Json;
using Dialtone.Identity.Contracts;
using Dialtone.Platform.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dialtone.Identity.Domain;

/// <summary>
/// Creating people and clients: staff accounts with their role, and OAuth clients with the roles their tokens carry.
/// The admin API, the admin bootstrap and the demo data all go through here.
/// </summary>
internal sealed class IdentityAccounts(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles, IOpenIddictApplicationManager applications, Persistence.IdentityStoreDbContext db)
{
    /// <summary>The property of an OAuth client that lists the roles its client-credentials tokens carry.</summary>
    public const string ClientRolesProperty = "dialtone_roles";

    /// <summary>The scopes each role may be granted.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ScopesByRole = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [DialtoneRoles.Customer] = [DialtoneScopes.SelfService],
        [DialtoneRoles.Agent] = [DialtoneScopes.Care],
        [DialtoneRoles.ProductManager] = [DialtoneScopes.CatalogWrite],
        [DialtoneRoles.Admin] = [DialtoneScopes.Admin, DialtoneScopes.CatalogWrite, DialtoneScopes.Care],
        [DialtoneRoles.Partner] = [DialtoneScopes.Partner],
        [DialtoneRoles.Network] = [DialtoneScopes.NchfConvergedCharging],
    };

    public async Task EnsureRolesAsync()
    {
        foreach (var role in ScopesByRole.Keys)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                try
                {
                    await roles.CreateAsync(new IdentityRole(role));
                }
                catch (DbUpdateException)
                {
                    // Another node created it at the same moment; asked of the database, anything else is rethrown.
                    db.ChangeTracker.Clear();
                    var normalized = role.ToUpperInvariant();
                    if (!await db.Roles.AnyAsync(r => r.NormalizedName == normalized))
                    {
                        throw;
                    }
                }
            }
        }
    }

    /// <summary>Creates a staff account (agent, product manager, admin) with a confirmed email; returns null if it exists.</summary>
    public async Task<IdentityUser?> CreateStaffAsync(string email, string password, string role)
    {
        await EnsureRolesAsync();
        if (await users.FindByEmailAsync(email) is not null)
        {
            return null;
        }

        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true, LockoutEnabled = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("Could not create the account: " + string.Join("; ", created.Errors.Select(e => e.Code)));
        }

        await users.AddToRoleAsync(user, role);
        return user;
    }

    public async Task<bool> AnyInRoleAsync(string role) => (await users.GetUsersInRoleAsync(role)).Count > 0;

    /// <summary>Creates a confidential client for the client-credentials grant, whose tokens carry <paramref name="clientRoles"/>.</summary>
    public async Task CreateMachineClientAsync(string clientId, string secret, string displayName, params string[] clientRoles)
    {
        if (await applications.FindByClientIdAsync(clientId) is not null)
        {
            return;
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in clientRoles.SelectMany(r => ScopesByRole[r]).Distinct(StringComparer.Ordinal))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        descriptor.Properties[ClientRolesProperty] = JsonSerializer.SerializeToElement(clientRoles);
        await CreateOnceAsync(descriptor);
    }

    /// <summary>The public web portal client: authorization code with PKCE and refresh tokens, no secret.</summary>
    public async Task CreatePortalClientAsync(string clientId, IEnumerable<string> redirectUris)
    {
        if (await applications.FindByClientIdAsync(clientId) is not null)
        {
            return;
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            DisplayName = "Dialtone web portal",
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email, Permissions.Scopes.Profile, Permissions.Scopes.Roles,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scope in DialtoneScopes.All)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        foreach (var uri in redirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        await CreateOnceAsync(descriptor);
    }

    /// <summary>Creates a client unless another node (or request) created the same client id a moment before.</summary>
    private async Task CreateOnceAsync(OpenIddictApplicationDescriptor descriptor)
    {
        try
        {
            await applications.CreateAsync(descriptor);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The unique client id held because someone else created it a moment before; anything else is rethrown.
            // Asked of the database itself: the manager's cache may still remember the client as missing.
            db.ChangeTracker.Clear();
            var clientId = descriptor.ClientId;
            if (clientId is null || !await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>().AnyAsync(a => a.ClientId == clientId))
            {
                throw;
            }
        }
    }

    /// <summary>The roles a client's client-credentials tokens carry.</summary>
    public async Task<IReadOnlyList<string>> ClientRolesAsync(object application)
    {
        var properties = await applications.GetPropertiesAsync(application);
        return properties.TryGetValue(ClientRolesProperty, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(e => e.GetString()!).ToList()
            : [];
    }
}
