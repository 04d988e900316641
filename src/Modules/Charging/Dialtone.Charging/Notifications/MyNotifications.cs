using System.Text.Json.Serialization;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Charging.Notifications;

/// <summary>A notification as the subscriber reads it.</summary>
internal sealed record NotificationView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("product")] NotificationProduct Product,
    [property: JsonPropertyName("allowance")] NotificationAllowance Allowance,
    [property: JsonPropertyName("percent")] int Percent,
    [property: JsonPropertyName("reachedAt")] DateTimeOffset ReachedAt);

/// <summary>The line a notification is about.</summary>
internal sealed record NotificationProduct(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("href")] string Href);

/// <summary>The allowance a notification is about, with its figures when the threshold was reached.</summary>
internal sealed record NotificationAllowance(
    [property: JsonPropertyName("bucketId")] string BucketId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("used")] long Used,
    [property: JsonPropertyName("amount")] long Amount);

/// <summary>
/// <c>GET /selfservice/me/notifications</c>: the caller's notices (80 % and 100 % of an allowance of a line they are
/// named on), newest first, paged like every list (<c>offset</c>, <c>limit</c> up to 1000, <c>X-Total-Count</c>,
/// <c>X-Result-Count</c>, 206 for a part). Only one's own: the party comes from the token, never from the query.
/// </summary>
internal static class MyNotifications
{
    public const string AllowanceThreshold = "allowanceThreshold";

    public static IEndpointRouteBuilder MapMyNotifications(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/selfservice/me/notifications", ListAsync)
            .WithTags("Self-service")
            .WithName("listMyNotifications")
            .WithSummary("The caller's notifications (allowance 80 % and 100 %), newest first; offset and limit page them")
            .Produces<List<NotificationView>>()
            .Produces<List<NotificationView>>(StatusCodes.Status206PartialContent)
            .ProducesTmfErrors(400, 401, 403)
            .RequireAuthorization(DialtonePolicies.SelfService);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(HttpContext http, UsageDbContext db, CancellationToken ct)
    {
        var query = http.Request.Query;
        if (query.Keys.FirstOrDefault(key => key is not ("offset" or "limit")) is { } unknown)
        {
            throw TmfProblemException.BadRequest("INVALID_FILTER", $"'{unknown}' is not a parameter of this list; it takes offset and limit.");
        }

        var (offset, limit) = TmfListQuery.ParsePaging(query);
        var party = http.GetCaller().PartyId!;
        var mine = db.Notifications.AsNoTracking().Where(n => n.PartyId == party);
        var total = await mine.CountAsync(ct);
        var page = await mine.OrderByDescending(n => n.ReachedAt).ThenByDescending(n => n.Percent).ThenBy(n => n.Id).Skip(offset).Take(limit).ToListAsync(ct);
        var status = TmfResourceEndpoints.WriteListHeaders(http.Response, offset, page.Count, total);
        return Results.Json(page.Select(View).ToList(), TmfJson.Options, statusCode: status);
    }

    internal static NotificationView View(AllowanceNotification n) => new(
        n.Id, AllowanceThreshold, AllowanceMessages.TextOf(n.AllowanceName, n.Unit, n.Percent, n.Used, n.Amount),
        new NotificationProduct(n.ProductId, $"/tmf-api/productInventory/v4/product/{n.ProductId}"),
        new NotificationAllowance(n.BucketId, n.AllowanceName, n.AllowanceKind, n.Unit, n.Used, n.Amount), n.Percent, n.ReachedAt);
}
