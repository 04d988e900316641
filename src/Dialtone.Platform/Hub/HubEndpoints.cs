using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Hub;

/// <summary>TMF688 listener registration: <c>{callback, query}</c> in.</summary>
public sealed record EventSubscriptionInput(
    [property: JsonPropertyName("callback"), JsonRequired] string Callback,
    [property: JsonPropertyName("query")] string? Query);

/// <summary>A registered listener. <c>secret</c> signs its deliveries and is shown only in the registration response.</summary>
public sealed record EventSubscription(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("callback")] string Callback,
    [property: JsonPropertyName("query")] string? Query,
    [property: JsonPropertyName("secret")] string? Secret);

/// <summary>The hub of one TMF API: register and remove listeners; deliveries follow from the outbox.</summary>
public static class HubEndpoints
{
    public const string ProtectorPurpose = "Dialtone.Hub.ListenerSecret";

    public static RouteGroupBuilder MapTmfHub<TDb>(this IEndpointRouteBuilder endpoints, string apiName, string policy)
        where TDb : ModuleDbContext
    {
        // Customer-data hubs let partners in: their listeners hear of what they created only.
        var scopeToCreator = policy == DialtonePolicies.CustomerDataHub;
        var group = endpoints.MapGroup($"/tmf-api/{apiName}/v4/hub").WithTags("Events hub");

        group.MapPost("", RegisterAsync<TDb>)
            .WithName($"registerListener_{apiName}")
            .WithSummary("Register a listener for this API's events")
            .WithDescription("The callback receives each matching event as a signed POST (X-Dialtone-Signature: t=..,v1=HMAC-SHA256(secret, t.body)); reject timestamps older than 5 minutes. The query uses the list filter syntax on the event, e.g. eventType=ProductOfferingCreateEvent.")
            .Accepts<EventSubscriptionInput>("application/json")
            .Produces<EventSubscription>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 401, 403, 413, 415)
            .RequireAuthorization(policy)
            .WithMetadata(new HubApiName(apiName, scopeToCreator));

        group.MapDelete("{id}", async (string id, HttpContext http, TDb db, CancellationToken ct) =>
            {
                // A partner removes its own listeners only; another's answers as unknown.
                var owner = ScopeOf(http);
                var deleted = await db.HubListeners.Where(l => l.Id == id && l.ApiName == apiName && (owner == null || l.Owner == owner)).ExecuteDeleteAsync(ct);
                return deleted == 0 ? throw TmfProblemException.NotFound("listener", id) : Results.NoContent();
            })
            .WithName($"unregisterListener_{apiName}")
            .WithSummary("Remove a listener")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesTmfErrors(401, 403, 404)
            .RequireAuthorization(policy)
            .WithMetadata(new HubApiName(apiName, scopeToCreator));

        return group;
    }

    private static async Task<IResult> RegisterAsync<TDb>(HttpContext http, TDb db, IDataProtectionProvider protection,
        CallbackPolicy callbacks, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct)
        where TDb : ModuleDbContext
    {
        var apiName = http.GetEndpoint()!.Metadata.GetMetadata<HubApiName>()!.Name;
        var body = await TmfBody.ReadObjectAsync(http.Request, ct);
        var input = Tmf.Documents.TmfRepresentation.FromJson<EventSubscriptionInput>(body);
        if (string.IsNullOrWhiteSpace(input.Callback))
        {
            throw TmfProblemException.BadRequest("INVALID_CALLBACK", "'callback' is mandatory.");
        }

        if (input.Callback.Length > 2048 || input.Query?.Length > 2048)
        {
            throw TmfProblemException.BadRequest("INVALID_CALLBACK", "'callback' and 'query' are limited to 2048 characters.");
        }

        callbacks.EnsureAllowed(input.Callback);
        HubQuery.Parse(input.Query);

        var now = clock.GetUtcNow();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var id = Guid.CreateVersion7(now).ToString();
        var listener = HubListener.Create(id, apiName, input.Callback, input.Query,
            protection.CreateProtector(ProtectorPurpose).Protect(secret), ScopeOf(http), now);
        db.HubListeners.Add(listener);
        await db.SaveChangesAsync(ct);

        http.Response.Headers.Location = $"{TmfResourceEndpoints.BaseUrl(http, options.Value)}/tmf-api/{apiName}/v4/hub/{id}";
        return Results.Json(new EventSubscription(id, input.Callback, input.Query, secret), TmfJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// On a customer-data hub, whoever is not customer care (agent or admin, with the scope) follows only what it
    /// created: its owner key (the same rule as reading the resources); customer care follows everything: null.
    /// </summary>
    private static string? ScopeOf(HttpContext http)
    {
        var caller = http.GetCaller();
        var scoped = http.GetEndpoint()?.Metadata.GetMetadata<HubApiName>()?.ScopeToCreator == true;
        return scoped && !caller.IsCustomerCare ? caller.OwnerKey ?? "user:" : null; // "user:" alone matches no creator
    }

    private sealed record HubApiName(string Name, bool ScopeToCreator);
}
