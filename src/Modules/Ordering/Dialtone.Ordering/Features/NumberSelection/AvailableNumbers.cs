using System.Globalization;
using System.Text.Json.Serialization;
using Dialtone.Ordering.Numbers;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dialtone.Ordering.Features.NumberSelection;

/// <summary>
/// A few free numbers of the pool for a customer to choose from before ordering (Dialtone's extension: TMF has no
/// number-selection resource in TMF622). Nothing is reserved until the order is submitted; a number taken in between
/// makes the order a 409 and the client asks again.
/// </summary>
internal static class AvailableNumbers
{
    private const int MaxCount = 20;

    public static void MapAvailableNumbers(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/tmf-api/productOrderingManagement/v4/availableMsisdn", async (HttpContext http, OrderingDbContext db, NumberPool numbers, TimeProvider clock, CancellationToken ct) =>
            {
                var raw = http.Request.Query["count"].ToString();
                var count = 5;
                if (raw.Length > 0 && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxCount))
                {
                    throw TmfProblemException.BadRequest("INVALID_PARAMETER", $"'count' must be a whole number from 1 to {MaxCount}.");
                }

                var free = await numbers.AvailableMsisdnsAsync(db, count, clock.GetUtcNow(), ct);
                return Results.Json(free.Select(n => new AvailableMsisdn(n)).ToList(), TmfJson.Options);
            })
            .WithTags("availableMsisdn")
            .WithName("listAvailableMsisdn")
            .WithSummary("A few free mobile numbers to choose from (nothing is reserved until the order)")
            .ProducesTmfErrors(400, 401, 403)
            .RequireAuthorization(DialtonePolicies.CustomerData);

    private sealed record AvailableMsisdn([property: JsonPropertyName("msisdn")] string Msisdn);
}
