using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Legacy.Features.Reconciliation;

/// <summary>What starts a reconciliation: its <c>mode</c> (<c>report</c> when left out).</summary>
internal sealed record StartReconciliation([property: JsonPropertyName("mode")] string? Mode);

/// <summary>A reconciliation: state, progress, and the drift summary (field → direction → drifting records).</summary>
internal sealed record ReconciliationView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("href")] string Href,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("requestedBy")] string RequestedBy,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("completedAt")] DateTimeOffset? CompletedAt,
    [property: JsonPropertyName("progress")] ReconciliationProgress Progress,
    [property: JsonPropertyName("drift")] IReadOnlyDictionary<string, Dictionary<string, int>> Drift,
    [property: JsonPropertyName("failure")] string? Failure)
{
    public static ReconciliationView Of(LegacyReconciliation r)
    {
        var drift = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, int>>>(r.Summary) ?? [];
        var errors = drift.Remove(ReconciliationRunner.ErrorKey, out var failed) ? failed.Values.Sum() : 0;
        var notFound = drift.Remove(ReconciliationRunner.NotFoundKey, out var unknown) ? unknown.Values.Sum() : 0;
        var erasing = drift.Remove(ReconciliationRunner.ErasingKey, out var erasures) ? erasures.Values.Sum() : 0;
        var unrepairable = drift.Remove(ReconciliationRunner.UnrepairableKey, out var beyondRepair) ? beyondRepair.Values.Sum() : 0;
        return new(r.Id, $"/admin/legacy/reconciliations/{r.Id}", r.Mode, r.State, r.RequestedBy, r.CreatedAt,
            r.StartedAt, r.CompletedAt, new ReconciliationProgress(r.Pages, r.LegacyRecords, r.Compared, r.Drifting, r.Repaired, errors, notFound, erasing, unrepairable), drift, r.Failure);
    }
}

/// <summary>
/// Pages of legacy read, legacy records read, records of migrated people compared, drifting, repaired, records that
/// failed (listed in the drift with <c>error:&lt;reason&gt;</c>), live legacy records whose person Dialtone cannot
/// find by their legacy id (not compared), live legacy records whose person Dialtone erased while the erasure has
/// not reached legacy yet (staged, waiting for legacy, or dead-lettered; not compared), and drifting records no repair
/// can bring back (listed with the repair <c>unrepairable:&lt;reason&gt;</c>; <c>PLAN_NOT_MAPPED</c>: no legacy plan code
/// maps to a line's offering, so no plan change is staged until the operator maps one).
/// </summary>
internal sealed record ReconciliationProgress(
    [property: JsonPropertyName("pages")] int Pages,
    [property: JsonPropertyName("legacyRecords")] int LegacyRecords,
    [property: JsonPropertyName("compared")] int Compared,
    [property: JsonPropertyName("drifting")] int Drifting,
    [property: JsonPropertyName("repaired")] int Repaired,
    [property: JsonPropertyName("errors")] int Errors,
    [property: JsonPropertyName("notFound")] int NotFound,
    [property: JsonPropertyName("erasing")] int Erasing,
    [property: JsonPropertyName("unrepairable")] int Unrepairable);

/// <summary>A drifting field and the side it must be repaired on (<c>toLegacy</c>: Dialtone masters it; <c>toDialtone</c>: legacy does).</summary>
internal sealed record DriftField([property: JsonPropertyName("field")] string Field, [property: JsonPropertyName("direction")] string Direction);

/// <summary>One drifting legacy record: ids and field names, never values.</summary>
internal sealed record DriftView(
    [property: JsonPropertyName("legacyCustomerId")] string LegacyCustomerId,
    [property: JsonPropertyName("partyId")] string PartyId,
    [property: JsonPropertyName("fields")] IReadOnlyList<DriftField> Fields,
    [property: JsonPropertyName("repair")] string Repair,
    [property: JsonPropertyName("detectedAt")] DateTimeOffset DetectedAt);

/// <summary>
/// <c>/admin/legacy/reconciliations</c>: start a comparison of every migrated customer with legacy (a background job,
/// 202), follow it, and page through its drifting records. One job at a time. Admins only.
/// </summary>
internal static class ReconciliationEndpoints
{
    private const string Resource = "reconciliation";

    public static IEndpointRouteBuilder MapReconciliations(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/legacy/reconciliations").WithTags("Legacy").RequireAuthorization(DialtonePolicies.Admin);

        group.MapPost("", async (HttpContext http, LegacyDbContext db, ReconciliationRunner runner, TimeProvider clock, CancellationToken ct) =>
            {
                var start = TmfRepresentation.FromJson<StartReconciliation>(await TmfBody.ReadObjectAsync(http.Request, ct));
                var mode = start.Mode ?? ReconciliationModes.Report;
                if (!ReconciliationModes.All.Contains(mode))
                {
                    throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", $"'mode' is one of {string.Join(", ", ReconciliationModes.All)}.");
                }

                if (await db.Reconciliations.AnyAsync(r => r.State == ReconciliationStates.Queued || r.State == ReconciliationStates.Running, ct))
                {
                    throw TmfProblemException.Conflict("RECONCILIATION_RUNNING", "A reconciliation is queued or running; wait for it to finish.");
                }

                var now = clock.GetUtcNow();
                var job = new LegacyReconciliation
                {
                    Id = Guid.CreateVersion7(now).ToString(),
                    Mode = mode,
                    RequestedBy = Caller.From(http.User).OwnerKey ?? "",
                    CreatedAt = now,
                };
                db.Reconciliations.Add(job);
                await db.SaveChangesAsync(ct);
                runner.Poke();
                var view = ReconciliationView.Of(job);
                http.Response.Headers.Location = view.Href;
                return Results.Json(view, TmfJson.Options, statusCode: StatusCodes.Status202Accepted);
            })
            .WithName("startLegacyReconciliation")
            .WithSummary("Compare every migrated customer with legacy: {\"mode\":\"report\"}, or repairLegacy (Dialtone's values of the fields it masters sent to legacy), repairDialtone (legacy's values of the fields it masters written to Dialtone), repairBoth")
            .Accepts<StartReconciliation>("application/json")
            .Produces<ReconciliationView>(StatusCodes.Status202Accepted)
            .ProducesTmfErrors(400, 401, 403, 409, 413, 415);

        group.MapGet("", async (LegacyDbContext db, int? offset, int? limit, CancellationToken ct) =>
            {
                CheckPage(offset, limit);
                var jobs = await db.Reconciliations.AsNoTracking().OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
                    .Skip(offset ?? 0).Take(limit ?? 20).ToListAsync(ct);
                return Results.Json(jobs.Select(ReconciliationView.Of).ToList(), TmfJson.Options);
            })
            .WithName("listLegacyReconciliations")
            .WithSummary("Reconciliations, newest first")
            .Produces<List<ReconciliationView>>()
            .ProducesTmfErrors(400, 401, 403);

        group.MapGet("{id}", async (string id, LegacyDbContext db, CancellationToken ct) =>
                Results.Json(ReconciliationView.Of(await FindAsync(db, id, ct)), TmfJson.Options))
            .WithName("getLegacyReconciliation")
            .WithSummary("A reconciliation: state, progress (legacy records read, compared, drifting, repaired) and drifting records by field and direction")
            .Produces<ReconciliationView>()
            .ProducesTmfErrors(401, 403, 404);

        group.MapGet("{id}/drift", async (string id, int? offset, int? limit, LegacyDbContext db, HttpContext http, CancellationToken ct) =>
            {
                await FindAsync(db, id, ct);
                CheckPage(offset, limit);
                var drifts = db.Drifts.AsNoTracking().Where(d => d.ReconciliationId == id);
                http.Response.Headers["X-Total-Count"] = (await drifts.CountAsync(ct)).ToString(CultureInfo.InvariantCulture);
                var page = await drifts.OrderBy(d => d.LegacyCustomerId).Skip(offset ?? 0).Take(limit ?? 100).ToListAsync(ct);
                return Results.Json(page.Select(d => new DriftView(d.LegacyCustomerId, d.PartyId,
                    [.. d.Fields.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split(':')).Select(p => new DriftField(p[0], p.Length > 1 ? p[1] : ""))],
                    d.Repair, d.DetectedAt)).ToList(), TmfJson.Options);
            })
            .WithName("listLegacyReconciliationDrift")
            .WithSummary("The drifting legacy records of a reconciliation, by legacy id: field names and directions, never values")
            .Produces<List<DriftView>>()
            .ProducesTmfErrors(400, 401, 403, 404);

        return endpoints;
    }

    private static void CheckPage(int? offset, int? limit)
    {
        if (offset < 0 || limit is < 1 or > 1000)
        {
            throw TmfProblemException.BadRequest("INVALID_PARAMETER", "'offset' is 0 or more, 'limit' 1–1000.");
        }
    }

    private static async Task<LegacyReconciliation> FindAsync(LegacyDbContext db, string id, CancellationToken ct) =>
        (id.Length <= 64 ? await db.Reconciliations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) : null) ?? throw TmfProblemException.NotFound(Resource, id);
}
