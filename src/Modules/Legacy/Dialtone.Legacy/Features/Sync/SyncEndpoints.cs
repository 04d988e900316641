using System.Globalization;
using System.Text.Json.Serialization;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Legacy.Features.Sync;

/// <summary>Where the change-feed sync is: watermarks, lag, the last failure, the node holding the lease, what the entries did.</summary>
internal sealed record LegacySyncStatus(
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("watermark")] long Watermark,
    [property: JsonPropertyName("highWatermark")] long HighWatermark,
    [property: JsonPropertyName("behind")] long Behind,
    [property: JsonPropertyName("lagSeconds")] double LagSeconds,
    [property: JsonPropertyName("lastPollAt")] DateTimeOffset? LastPollAt,
    [property: JsonPropertyName("caughtUpAt")] DateTimeOffset? CaughtUpAt,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("consecutiveFailures")] int ConsecutiveFailures,
    [property: JsonPropertyName("leaseOwner")] string? LeaseOwner,
    [property: JsonPropertyName("leaseUntil")] DateTimeOffset? LeaseUntil,
    [property: JsonPropertyName("applied")] long Applied,
    [property: JsonPropertyName("echoes")] long Echoes,
    [property: JsonPropertyName("conflicts")] long Conflicts,
    [property: JsonPropertyName("skipped")] long Skipped,
    [property: JsonPropertyName("parked")] int Parked,
    [property: JsonPropertyName("lastSkipped")] ParkedEntry? LastSkipped);

/// <summary>The last feed entry parked after failing too often: its watermark, legacy id and why (an error code, never values).</summary>
internal sealed record ParkedEntry(
    [property: JsonPropertyName("watermark")] long? Watermark,
    [property: JsonPropertyName("legacyCustomerId")] string LegacyCustomerId,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("at")] DateTimeOffset At);

/// <summary><c>GET /admin/legacy/sync</c>: the operator's view of the change-feed sync.</summary>
internal static class SyncEndpoints
{
    public static IEndpointRouteBuilder MapSync(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/admin/legacy").WithTags("Legacy").RequireAuthorization(DialtonePolicies.Admin)
            .MapGet("sync", async (LegacyDbContext db, TimeProvider clock, CancellationToken ct) =>
            {
                var cursor = await db.FeedCursors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == LegacyFeedCursor.FeedId, ct);
                var parked = db.Conflicts.AsNoTracking().Where(c => c.Field == "entry" && c.Resolution.StartsWith(LegacyFeedApplier.Parked + ":"));
                var parkedCount = await parked.CountAsync(ct);
                var last = parkedCount == 0 ? null : (await parked.Select(c => new { c.ChangeId, c.LegacyCustomerId, c.Resolution, c.DetectedAt, c.Id }).ToListAsync(ct))
                    .OrderByDescending(c => c.DetectedAt).ThenByDescending(c => c.Id, StringComparer.Ordinal).First();
                var lastSkipped = last is null ? null : new ParkedEntry(long.TryParse(last.ChangeId.AsSpan("feed:".Length), CultureInfo.InvariantCulture, out var w) ? w : null,
                    last.LegacyCustomerId, last.Resolution[(LegacyFeedApplier.Parked.Length + 1)..], last.DetectedAt);
                var status = cursor is null
                    ? new LegacySyncStatus("notStarted", 0, 0, 0, 0, null, null, null, 0, null, null, 0, 0, 0, 0, parkedCount, lastSkipped)
                    : new LegacySyncStatus(cursor.LastError is null ? "following" : "failing", cursor.Watermark, cursor.HighWatermark,
                        Math.Max(0, cursor.HighWatermark - cursor.Watermark), LegacyFeedMetrics.LagSeconds(cursor, clock.GetUtcNow()), cursor.LastPollAt, cursor.CaughtUpAt,
                        cursor.LastError, cursor.ConsecutiveFailures, cursor.LeaseOwner, cursor.LeaseUntil, cursor.Applied, cursor.Echoes, cursor.Conflicts, cursor.Skipped, parkedCount, lastSkipped);
                return Results.Json(status, TmfJson.Options);
            })
            .WithName("getLegacySyncStatus")
            .WithSummary("The change-feed sync from legacy: watermarks, lag, last failure, lease, and counts of applied entries, echoes, conflicts and skipped entries")
            .Produces<LegacySyncStatus>()
            .ProducesTmfErrors(401, 403);
        return endpoints;
    }
}
