using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Dialtone.Identity.Domain;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;

namespace Dialtone.Identity.Features.Administration;

/// <summary>A staff account to create: an agent, a product manager or another admin.</summary>
internal sealed record NewStaffAccount([property: JsonPropertyName("email"), JsonRequired] string Email, [property: JsonPropertyName("role"), JsonRequired] string Role);

/// <summary>A created staff account; the initial password is shown once and must be changed at first use.</summary>
internal sealed record StaffAccount(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("initialPassword")] string InitialPassword);

/// <summary>An OAuth client to create for the client-credentials grant.</summary>
internal sealed record NewClient(
    [property: JsonPropertyName("clientId"), JsonRequired] string ClientId,
    [property: JsonPropertyName("displayName"), JsonRequired] string DisplayName,
    [property: JsonPropertyName("roles"), JsonRequired] IReadOnlyList<string> Roles);

/// <summary>A client and, once, its secret.</summary>
internal sealed record ClientCredentials(
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("displayName")] string? DisplayName,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("secret")] string? Secret);

/// <summary>What an admin does with identities: staff accounts, OAuth clients and their secrets.</summary>
internal static class AdminEndpoints
{
    private static readonly string[] StaffRoles = [DialtoneRoles.Agent, DialtoneRoles.ProductManager, DialtoneRoles.Admin];
    private static readonly string[] ClientRoles = [DialtoneRoles.Partner, DialtoneRoles.Network, DialtoneRoles.ProductManager];

    public static IEndpointRouteBuilder MapIdentityAdministration(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin").WithTags("Administration").RequireAuthorization(DialtonePolicies.Admin);

        group.MapPost("staff", async (HttpRequest request, IdentityAccounts accounts, CancellationToken ct) =>
            {
                var input = TmfRepresentation.FromJson<NewStaffAccount>(await TmfBody.ReadObjectAsync(request, ct));
                if (!StaffRoles.Contains(input.Role))
                {
                    throw TmfProblemException.BadRequest("INVALID_ROLE", $"'role' must be one of: {string.Join(", ", StaffRoles)}.");
                }

                if (string.IsNullOrWhiteSpace(input.Email) || !input.Email.Contains('@', StringComparison.Ordinal) || System.Text.Encoding.UTF8.GetByteCount(input.Email) > 150)
                {
                    throw TmfProblemException.BadRequest("INVALID_EMAIL", "'email' must be an email address.");
                }

                var password = Secret(18);
                var user = await accounts.CreateStaffAsync(input.Email.Trim(), password, input.Role)
                           ?? throw TmfProblemException.Conflict("ACCOUNT_EXISTS", "An account with this email exists already.");
                return Results.Json(new StaffAccount(user.Id, user.Email!, input.Role, password), TmfJson.Options, statusCode: StatusCodes.Status201Created);
            })
            .WithName("createStaffAccount")
            .WithSummary("Create an agent, product manager or admin account (initial password shown once)")
            .Accepts<NewStaffAccount>("application/json")
            .Produces<StaffAccount>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 401, 403, 409, 413, 415);

        group.MapGet("clients", async (IOpenIddictApplicationManager applications, IdentityAccounts accounts, CancellationToken ct) =>
            {
                var clients = new List<ClientCredentials>();
                await foreach (var application in applications.ListAsync(count: 1000, offset: 0, ct))
                {
                    clients.Add(new ClientCredentials((await applications.GetClientIdAsync(application, ct))!, await applications.GetDisplayNameAsync(application, ct),
                        await accounts.ClientRolesAsync(application), Secret: null));
                }

                return Results.Json(clients, TmfJson.Options);
            })
            .WithName("listClients")
            .WithSummary("List OAuth clients (never their secrets)")
            .Produces<List<ClientCredentials>>()
            .ProducesTmfErrors(401, 403);

        group.MapPost("clients", async (HttpRequest request, IOpenIddictApplicationManager applications, IdentityAccounts accounts, CancellationToken ct) =>
            {
                var input = TmfRepresentation.FromJson<NewClient>(await TmfBody.ReadObjectAsync(request, ct));
                if (string.IsNullOrWhiteSpace(input.ClientId) || input.ClientId.Length > 100 || input.ClientId.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
                {
                    throw TmfProblemException.BadRequest("INVALID_CLIENT_ID", "'clientId' is 1 to 100 letters, digits, '-', '_' or '.'.");
                }

                if (input.Roles is not { Count: > 0 } || input.Roles.Any(r => !ClientRoles.Contains(r)))
                {
                    throw TmfProblemException.BadRequest("INVALID_ROLE", $"'roles' lists one or more of: {string.Join(", ", ClientRoles)}.");
                }

                if (await applications.FindByClientIdAsync(input.ClientId, ct) is not null)
                {
                    throw TmfProblemException.Conflict("CLIENT_EXISTS", $"A client '{input.ClientId}' exists already.");
                }

                var secret = Secret(32);
                await accounts.CreateMachineClientAsync(input.ClientId, secret, input.DisplayName, [.. input.Roles]);
                return Results.Json(new ClientCredentials(input.ClientId, input.DisplayName, input.Roles, secret), TmfJson.Options, statusCode: StatusCodes.Status201Created);
            })
            .WithName("createClient")
            .WithSummary("Create a client-credentials client (secret shown once)")
            .Accepts<NewClient>("application/json")
            .Produces<ClientCredentials>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 401, 403, 409, 413, 415);

        group.MapPost("clients/{clientId}/secret", async (string clientId, IOpenIddictApplicationManager applications, IdentityAccounts accounts, CancellationToken ct) =>
            {
                var application = await applications.FindByClientIdAsync(clientId, ct) ?? throw TmfProblemException.NotFound("client", clientId);
                if (await applications.GetClientTypeAsync(application, ct) != OpenIddictConstants.ClientTypes.Confidential)
                {
                    throw TmfProblemException.Conflict("PUBLIC_CLIENT", $"'{clientId}' is a public client; it has no secret.");
                }

                var secret = Secret(32);
                var descriptor = new OpenIddictApplicationDescriptor();
                await applications.PopulateAsync(descriptor, application, ct);
                descriptor.ClientSecret = secret;
                await applications.UpdateAsync(application, descriptor, ct);
                return Results.Json(new ClientCredentials(clientId, descriptor.DisplayName, await accounts.ClientRolesAsync(application), secret), TmfJson.Options);
            })
            .WithName("rotateClientSecret")
            .WithSummary("Rotate a client's secret: the old one stops working at once; the new one is shown once")
            .Produces<ClientCredentials>()
            .ProducesTmfErrors(401, 403, 404, 409);

        return endpoints;
    }

    private static string Secret(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
