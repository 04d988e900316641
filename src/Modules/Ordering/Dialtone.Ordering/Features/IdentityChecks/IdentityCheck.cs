using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Handlers;
using Dialtone.Ordering.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform;
using Dialtone.Platform.Audit;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.IdentityChecks;

/// <summary>
/// The outcome of a customer's identity check (know your customer), needed once before their first mobile line. Only
/// the outcome, the kind of document and when are kept: never the document number or the birth date.
/// </summary>
internal sealed class IdentityCheck
{
    public string PartyId { get; set; } = "";

    /// <summary><c>passed</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "";

    public string DocumentType { get; set; } = "";

    public int Failures { get; set; }

    public DateTimeOffset CheckedAt { get; set; }

    public string CheckedBy { get; set; } = "";
}

/// <summary>A document shown for an identity check: <c>documentType</c> passport, idCard or drivingLicence.</summary>
internal sealed record IdentityCheckRequest(
    [property: JsonPropertyName("partyId")] string? PartyId,
    [property: JsonPropertyName("documentType")] string? DocumentType,
    [property: JsonPropertyName("documentNumber")] string? DocumentNumber,
    [property: JsonPropertyName("birthDate")] string? BirthDate);

internal sealed record IdentityCheckAnswer(
    [property: JsonPropertyName("partyId")] string PartyId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("checkedAt")] DateTimeOffset CheckedAt,
    [property: JsonPropertyName("ordersReleased")] int OrdersReleased);

/// <summary>
/// The simulated identity check (there is no identity provider here; the README says so). The rule, documented: the
/// document type is passport, idCard or drivingLicence; the number is 6 to 12 letters or digits; the holder is 18 or
/// older on the day of the check; and the number does not end in <c>000</c> (the simulated register's mark of a
/// document reported lost or stolen). A check that fails is answered 422 with the reason and may be tried again; the
/// third failure fails the orders waiting for it. A passed check releases them at once.
/// </summary>
internal static partial class IdentityCheckRules
{
    public const string WaitingReason = "Waiting for the customer's identity check (POST /tmf-api/productOrderingManagement/v4/identityCheck).";
    public const int MaxFailures = 3;

    private static readonly string[] DocumentTypes = ["passport", "idCard", "drivingLicence"];

    public static Task<bool> HasPassedAsync(OrderingDbContext db, string partyId, CancellationToken cancellationToken) =>
        db.IdentityChecks.AnyAsync(c => c.PartyId == partyId && c.Status == "passed", cancellationToken);

    public static void MapIdentityCheck(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/tmf-api/productOrderingManagement/v4/identityCheck", CheckAsync)
            .WithTags("identityCheck")
            .WithName("createIdentityCheck")
            .WithSummary("Check a customer's identity document (simulated), releasing the orders that wait for it")
            .Accepts<IdentityCheckRequest>("application/json")
            .Produces<IdentityCheckAnswer>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 401, 403, 413, 415, 422)
            .RequireAuthorization(DialtonePolicies.CustomerData);

    private static async Task<IResult> CheckAsync(HttpContext http, IDbContextOutbox<OrderingDbContext> outbox, IServiceScopeFactory scopes, TimeProvider clock,
        IOptions<DialtoneOptions> options, CancellationToken cancellationToken)
    {
        var request = TmfRepresentation.FromJson<IdentityCheckRequest>(await TmfBody.ReadObjectAsync(http.Request, cancellationToken));
        var caller = http.GetCaller();
        var partyId = caller.IsSelfService ? caller.PartyId! : request.PartyId;
        if (caller.IsSelfService && request.PartyId is not null && request.PartyId != caller.PartyId)
        {
            throw TmfProblemException.BadRequest("CUSTOMER_MISMATCH", "'partyId' names another party: a customer checks their own identity.");
        }

        if (string.IsNullOrWhiteSpace(partyId))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'partyId' must name the customer whose identity is checked.");
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var party = await scope.ServiceProvider.GetRequiredService<IPartyDirectory>().FindAsync(partyId, cancellationToken);
            if (party is null || !(caller.IsSelfService || CustomerDataAccess.MayUseAsStaffOrCreator(party.CreatedBy, caller)))
            {
                throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'partyId' names party '{partyId}', which does not exist.");
            }
        }

        var now = clock.GetUtcNow();
        var refusal = Judge(request, now);
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var check = await db.IdentityChecks.FirstOrDefaultAsync(c => c.PartyId == partyId, cancellationToken);
        if (check is null)
        {
            check = new IdentityCheck { PartyId = partyId };
            db.IdentityChecks.Add(check);
        }

        if (check.Status == "passed")
        {
            return Results.Json(new IdentityCheckAnswer(partyId, "passed", "The identity was verified before.", check.CheckedAt, 0), TmfJson.Options, statusCode: StatusCodes.Status201Created);
        }

        check.Status = refusal is null ? "passed" : "failed";
        check.DocumentType = request.DocumentType!;
        check.CheckedAt = now;
        check.CheckedBy = caller.OwnerKey ?? "";
        check.Failures += refusal is null ? 0 : 1;
        AuditTrail.Record(db, caller, AuditTrail.OnBehalfOf(http), now, "identityCheck", "identityCheck", partyId, check.Status);

        var waiting = await db.Processes.Where(p => p.PartyId == partyId && p.Stage == ProcessStage.AwaitingIdentity).ToListAsync(cancellationToken);
        var release = refusal is null || check.Failures >= MaxFailures;
        if (release)
        {
            var context = new TmfWriteContext(db, caller, TmfResourceEndpoints.BaseUrl(http, options.Value), now);
            foreach (var process in waiting)
            {
                if (refusal is null)
                {
                    process.IdentityChecked(now);
                }
                else
                {
                    process.Fail($"the customer's identity could not be verified ({refusal})", now);
                }

                var document = (await OrderDocuments.FindAsync(db, process.OrderId, cancellationToken))!;
                await OrderDocuments.SyncAsync(outbox, document, process, refusal is null ? "Identity verified." : "Identity could not be verified.", context, cancellationToken: cancellationToken);
                await outbox.PublishAsync(new AdvanceProductOrder(process.OrderId));
            }
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
        if (refusal is not null)
        {
            throw TmfProblemException.Unprocessable("IDENTITY_NOT_VERIFIED", check.Failures >= MaxFailures
                ? $"The identity could not be verified: {refusal}. This was attempt {check.Failures}; the waiting orders have failed."
                : $"The identity could not be verified: {refusal}. Attempt {check.Failures} of {MaxFailures}; the orders keep waiting.");
        }

        return Results.Json(new IdentityCheckAnswer(partyId, "passed", null, now, waiting.Count), TmfJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The simulated rule; null when the identity is verified, else the reason (a 400 for what is malformed).</summary>
    private static string? Judge(IdentityCheckRequest request, DateTimeOffset now)
    {
        if (request.DocumentType is null || !DocumentTypes.Contains(request.DocumentType))
        {
            throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", $"'documentType' must be one of: {string.Join(", ", DocumentTypes)}.");
        }

        if (request.DocumentNumber is null || !DocumentNumber().IsMatch(request.DocumentNumber))
        {
            throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", "'documentNumber' must be 6 to 12 letters or digits.");
        }

        if (request.BirthDate is null || !DateOnly.TryParseExact(request.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth))
        {
            throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", "'birthDate' must be a date as yyyy-MM-dd.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (birth.AddYears(18) > today)
        {
            return "the holder must be 18 or older";
        }

        return request.DocumentNumber.EndsWith("000", StringComparison.Ordinal) ? "the document is reported lost or stolen" : null;
    }

    [GeneratedRegex("^[A-Za-z0-9]{6,12}$")]
    private static partial Regex DocumentNumber();
}
