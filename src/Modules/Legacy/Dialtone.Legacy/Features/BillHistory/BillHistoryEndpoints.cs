using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.BillHistory;

/// <summary>A legacy bill (TMF678 customerBill-like, read only): legacy's status codes translated.</summary>
internal sealed record LegacyBillView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("legacyAccountId")] string LegacyAccountId,
    [property: JsonPropertyName("billDate")] DateOnly? BillDate,
    [property: JsonPropertyName("billingPeriod")] BillingPeriodView BillingPeriod,
    [property: JsonPropertyName("paymentDueDate")] DateOnly? PaymentDueDate,
    [property: JsonPropertyName("amountDue")] MoneyView AmountDue,
    [property: JsonPropertyName("state")] string State);

internal sealed record BillingPeriodView([property: JsonPropertyName("startDateTime")] DateOnly? Start, [property: JsonPropertyName("endDateTime")] DateOnly? End);

internal sealed record MoneyView([property: JsonPropertyName("unit")] string Unit, [property: JsonPropertyName("value")] decimal Value);

/// <summary>A customer's bill history from before the migration, as read from legacy (or from the cache: see <c>stale</c>).</summary>
internal sealed record BillHistoryView(
    [property: JsonPropertyName("customerId")] string CustomerId,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("fetchedAt")] DateTimeOffset? FetchedAt,
    [property: JsonPropertyName("stale")] bool Stale,
    [property: JsonPropertyName("bills")] IReadOnlyList<LegacyBillView> Bills);

/// <summary>
/// <c>GET /legacy/customers/{customerId}/billHistory</c>: the bills a customer had before the migration, which live only
/// in legacy, read through legacy's API and cached (encrypted). While legacy is down the cached copy is served with
/// <c>X-Dialtone-Stale: true</c>, <c>Age</c> (seconds since legacy answered) and <c>"stale": true</c>; with nothing
/// cached the answer is 503 with <c>Retry-After</c>. A customer reads only their own (any other id is 404); agents and
/// admins any customer's.
/// </summary>
internal static partial class BillHistoryEndpoints
{
    public const string StaleHeader = "X-Dialtone-Stale";

    public static IEndpointRouteBuilder MapBillHistory(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/legacy/customers/{customerId}/billHistory", async (string customerId, HttpContext http, ICustomerRecords records, LegacyCustomerService legacy,
                LegacyDbContext db, PersonalDataProtector protector, TimeProvider clock, IOptions<LegacyOptions> options, ILogger<LegacyBillView> logger, CancellationToken ct) =>
            {
                var caller = http.GetCaller();
                var record = customerId.Length is > 0 and <= 64 ? await records.FindByCustomerAsync(customerId, ct) : null;
                if (record is null || !(caller.IsCustomerCare || (caller.IsSelfService && caller.PartyId == record.PartyId)))
                {
                    throw TmfProblemException.NotFound("customer", customerId);
                }

                if (record.SourceIds.Count == 0)
                {
                    return Results.Json(new BillHistoryView(customerId, "none", null, false, []), TmfJson.Options);
                }

                var cached = await db.BillHistoryCache.FirstOrDefaultAsync(c => c.CustomerId == customerId, ct);
                var now = clock.GetUtcNow();
                if (cached is not null && now - cached.FetchedAt < options.Value.BillHistoryFreshFor)
                {
                    return Answer(http, customerId, cached, protector, now, stale: false);
                }

                List<LegacyBillView> bills;
                try
                {
                    bills = await ReadAsync(legacy, record.SourceIds, ct);
                }
                catch (Exception e) when (e is LegacyUnavailableException or LegacyFaultException { Retryable: true })
                {
                    LogUnavailable(logger, customerId, cached is not null, e.Message);
                    if (cached is not null)
                    {
                        return Answer(http, customerId, cached, protector, now, stale: true);
                    }

                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.BillHistoryRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    return Results.Json(new TmfError("LEGACY_UNAVAILABLE", "Service unavailable",
                        "The bill history before the migration is kept by the legacy system, which cannot be reached now, and no copy is cached; try again later.", "503"),
                        TmfJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
                }
                catch (LegacyFaultException e)
                {
                    // A final refusal (soap:Client): the cached copy if there is one, else a clear error, never a 500.
                    LogRefused(logger, customerId, cached is not null, $"{e.Code} {e.Name}");
                    if (cached is not null)
                    {
                        return Answer(http, customerId, cached, protector, now, stale: true);
                    }

                    if (e.Code == LegacyFaultException.RecordNotFound)
                    {
                        return Results.Json(new TmfError("LEGACY_NOT_FOUND", "Not found",
                            "The legacy system does not know this customer's bill history.", "404"),
                            TmfJson.Options, statusCode: StatusCodes.Status404NotFound);
                    }

                    return Results.Json(new TmfError("LEGACY_REFUSED", "Bad gateway",
                        $"The legacy system refused to answer the bill history before the migration ({e.Code} {e.Name}), and no copy is cached.", "502"),
                        TmfJson.Options, statusCode: StatusCodes.Status502BadGateway);
                }

                if (cached is null)
                {
                    cached = new BillHistoryCacheEntry { CustomerId = customerId };
                    db.BillHistoryCache.Add(cached);
                }

                cached.ProtectedBills = protector.Protect(JsonSerializer.Serialize(bills, TmfJson.Options));
                cached.FetchedAt = now;
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Two first reads of one customer at once: the other one cached it (or an erasure deleted the entry this read refreshed).
                }

                // The person's erasure may have begun while legacy answered: it stages itself, then deletes the cache, so a
                // save it came too late to delete is found here and deleted (the erased person's bills are not kept).
                if (await LegacyChangeStaging.ErasureStateAsync(db, record.PartyId, ct) is not null)
                {
                    await db.BillHistoryCache.Where(c => c.CustomerId == customerId).ExecuteDeleteAsync(ct);
                }

                return Results.Json(new BillHistoryView(customerId, "legacy", now, false, bills), TmfJson.Options);
            })
            .RequireAuthorization(DialtonePolicies.CustomerData)
            .WithTags("Legacy")
            .WithName("getLegacyBillHistory")
            .WithSummary("A customer's bill history from before the migration, read through the legacy system with a cache")
            .WithDescription("Served from the cache, flagged with X-Dialtone-Stale: true, Age and \"stale\": true, while legacy is down or refuses; 503 with Retry-After when legacy is down and nothing is cached; 502 LEGACY_REFUSED (404 LEGACY_NOT_FOUND when legacy does not know the customer) when legacy refuses and nothing is cached.")
            .Produces<BillHistoryView>()
            .ProducesTmfErrors(401, 403, 404, 502, 503);
        return endpoints;
    }

    private static async Task<List<LegacyBillView>> ReadAsync(LegacyCustomerService legacy, IReadOnlyList<string> legacyIds, CancellationToken ct)
    {
        var traceparent = Activity.Current?.Id is { Length: 55 } id ? id : null;
        var bills = new List<LegacyBillView>();
        foreach (var legacyId in legacyIds)
        {
            var customer = await legacy.GetCustomerAsync(legacyId, traceparent, ct);
            foreach (var account in customer.AccountIds)
            {
                bills.AddRange((await legacy.GetBillHistoryAsync(account, traceparent, ct)).Select(b => new LegacyBillView(
                    b.BillId, b.AccountId, b.BillDate, new BillingPeriodView(b.PeriodFrom, b.PeriodTo), b.DueDate, new MoneyView(b.Currency, b.Amount), StateOf(b.Status))));
            }
        }

        return [.. bills.OrderByDescending(b => b.BillDate).ThenBy(b => b.Id, StringComparer.Ordinal)];
    }

    private static string StateOf(string legacyStatus) => legacyStatus.Trim().ToUpperInvariant() switch
    {
        "PAID" => "settled",
        "OPEN" => "sent",
        "OVRD" => "overdue",
        _ => "unknown",
    };

    private static IResult Answer(HttpContext http, string customerId, BillHistoryCacheEntry cached, PersonalDataProtector protector, DateTimeOffset now, bool stale)
    {
        var bills = JsonSerializer.Deserialize<List<LegacyBillView>>(protector.Unprotect(cached.ProtectedBills), TmfJson.Options) ?? [];
        var age = Math.Max(0, (long)(now - cached.FetchedAt).TotalSeconds);
        http.Response.Headers.Age = age.ToString(CultureInfo.InvariantCulture);
        if (stale)
        {
            http.Response.Headers[StaleHeader] = "true";
        }

        return Results.Json(new BillHistoryView(customerId, "cache", cached.FetchedAt, stale, bills), TmfJson.Options);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy bill history of customer {CustomerId} refused by legacy (cached copy: {Cached}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string customerId, bool cached, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy bill history of customer {CustomerId} unavailable (cached copy: {Cached}): {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string customerId, bool cached, string reason);
}
