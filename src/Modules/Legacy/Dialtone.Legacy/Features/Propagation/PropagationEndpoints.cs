using System.Text.Json.Serialization;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Handlers;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>How far legacy is behind, as the metrics show it.</summary>
internal sealed record PropagationStatus(
    [property: JsonPropertyName("pending")] int Pending,
    [property: JsonPropertyName("syncLagSeconds")] double SyncLagSeconds,
    [property: JsonPropertyName("deadLetters")] int DeadLetters,
    [property: JsonPropertyName("delivered")] int Delivered,
    [property: JsonPropertyName("circuit")] string Circuit,
    [property: JsonPropertyName("abandonedErasures")] int AbandonedErasures);

/// <summary>A change on its way to legacy (or dead-lettered): ids, codes and times only.</summary>
internal sealed record LegacyChangeView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("partyId")] string PartyId,
    [property: JsonPropertyName("legacyCustomerIds")] IReadOnlyList<string> LegacyCustomerIds,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("changedAt")] DateTimeOffset ChangedAt,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("deadLetteredAt")] DateTimeOffset? DeadLetteredAt,
    [property: JsonPropertyName("deliveredAt")] DateTimeOffset? DeliveredAt,
    [property: JsonPropertyName("replays")] int Replays,
    [property: JsonPropertyName("traceId")] string? TraceId)
{
    public static LegacyChangeView Of(LegacyChange c) =>
        new(c.Id, c.PartyId, c.LegacyIds, c.Kind, c.State, c.ChangedAt, c.Attempts, c.LastError, c.DeadLetteredAt, c.DeliveredAt, c.Replays, c.TraceId);
}

/// <summary>A legacy value that legacy's users had changed and a delivery overwrote (the master rule), with that value.</summary>
internal sealed record LegacyConflictView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("changeId")] string ChangeId,
    [property: JsonPropertyName("partyId")] string PartyId,
    [property: JsonPropertyName("legacyCustomerId")] string LegacyCustomerId,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("overwrittenLegacyValue")] string? OverwrittenLegacyValue,
    [property: JsonPropertyName("legacyVersion")] long LegacyVersion,
    [property: JsonPropertyName("detectedAt")] DateTimeOffset DetectedAt,
    [property: JsonPropertyName("resolution")] string Resolution,
    [property: JsonPropertyName("direction")] string Direction);

/// <summary>
/// The operator's view of propagation: <c>/admin/legacy/propagation</c> (lag, depth, dead letters, circuit), the
/// dead-letter queue (<c>/admin/legacy/deadLetters</c>: list, inspect, replay) and the conflict report
/// (<c>/admin/legacy/conflicts</c>). A replay sends the person's current state again, so replaying an old change is safe.
/// </summary>
internal static class PropagationEndpoints
{
    public static IEndpointRouteBuilder MapPropagation(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/legacy").WithTags("Legacy").RequireAuthorization(DialtonePolicies.Admin);

        group.MapGet("propagation", async (LegacyDbContext db, LegacyCircuit circuit, TimeProvider clock, CancellationToken ct) =>
                Results.Json(await LegacyMetrics.CountAsync(db, circuit, clock.GetUtcNow(), ct), TmfJson.Options))
            .WithName("getLegacyPropagationStatus")
            .WithSummary("How far legacy is behind: changes waiting, the age of the oldest, dead letters, the circuit's state")
            .Produces<PropagationStatus>()
            .ProducesTmfErrors(401, 403);

        group.MapGet("deadLetters", async (LegacyDbContext db, int? offset, int? limit, CancellationToken ct) =>
            {
                var letters = await db.Changes.AsNoTracking().Where(c => c.State == LegacyChangeStates.DeadLettered)
                    .OrderBy(c => c.ChangedAt).ThenBy(c => c.Id)
                    .Skip(Math.Max(0, offset ?? 0)).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
                return Results.Json(letters.Select(LegacyChangeView.Of).ToList(), TmfJson.Options);
            })
            .WithName("listLegacyDeadLetters")
            .WithSummary("Changes that legacy refused until their attempts ran out, oldest first")
            .Produces<List<LegacyChangeView>>()
            .ProducesTmfErrors(400, 401, 403);

        group.MapGet("deadLetters/{id}", async (string id, LegacyDbContext db, CancellationToken ct) =>
                Results.Json(LegacyChangeView.Of(await DeadLetterAsync(db, id, ct)), TmfJson.Options))
            .WithName("getLegacyDeadLetter")
            .WithSummary("One dead letter: whose change, what kind, how often legacy refused it and why, its trace id")
            .Produces<LegacyChangeView>()
            .ProducesTmfErrors(401, 403, 404);

        group.MapPost("deadLetters/{id}/replay", async (string id, IDbContextOutbox<LegacyDbContext> outbox, CancellationToken ct) =>
            {
                var change = await DeadLetterAsync(outbox.DbContext, id, ct);
                change.State = LegacyChangeStates.Pending;
                change.Attempts = 0;
                change.DeadLetteredAt = null;
                change.Replays++;
                await outbox.PublishAsync(new PropagateLegacyChange(change.Id, change.PartyId));
                await outbox.SaveChangesAndFlushMessagesAsync(ct);
                return Results.Json(LegacyChangeView.Of(change), TmfJson.Options, statusCode: StatusCodes.Status202Accepted);
            })
            .WithName("replayLegacyDeadLetter")
            .WithSummary("Deliver a dead letter again (the person's current state); 202, then it is pending until legacy has it")
            .Produces<LegacyChangeView>(StatusCodes.Status202Accepted)
            .ProducesTmfErrors(401, 403, 404);

        group.MapGet("conflicts", async (LegacyDbContext db, PersonalDataProtector protector, int? offset, int? limit, string? partyId, string? direction, CancellationToken ct) =>
            {
                var query = db.Conflicts.AsNoTracking();
                if (direction is not null)
                {
                    query = query.Where(c => c.Direction == direction);
                }

                if (partyId is not null)
                {
                    query = query.Where(c => c.PartyId == partyId);
                }

                var conflicts = await query.OrderByDescending(c => c.DetectedAt).ThenBy(c => c.Id)
                    .Skip(Math.Max(0, offset ?? 0)).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
                return Results.Json(conflicts.Select(c => new LegacyConflictView(c.Id, c.ChangeId, c.PartyId, c.LegacyCustomerId, c.Field,
                    c.ProtectedLegacyValue is null ? null : protector.Unprotect(c.ProtectedLegacyValue), c.LegacyVersion, c.DetectedAt, c.Resolution, c.Direction)).ToList(), TmfJson.Options);
            })
            .WithName("listLegacyConflicts")
            .WithSummary("Fields edited in legacy that a delivery overwrote by the master rule, newest first, with the overwritten legacy value")
            .Produces<List<LegacyConflictView>>()
            .ProducesTmfErrors(400, 401, 403);

        return endpoints;
    }

    private static async Task<LegacyChange> DeadLetterAsync(LegacyDbContext db, string id, CancellationToken ct) =>
        (id.Length <= 64 ? await db.Changes.FirstOrDefaultAsync(c => c.Id == id && c.State == LegacyChangeStates.DeadLettered, ct) : null)
        ?? throw TmfProblemException.NotFound("dead letter", id);
}
