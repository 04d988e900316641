using System.Text.Json.Serialization;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Platform.Audit;

/// <summary>An audit line as an admin reads it.</summary>
public sealed record AuditLine(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("module")] string Module,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("clientId")] string? ClientId,
    [property: JsonPropertyName("roles")] string Roles,
    [property: JsonPropertyName("onBehalfOf")] string? OnBehalfOf,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("resourceType")] string ResourceType,
    [property: JsonPropertyName("recordId")] string RecordId,
    [property: JsonPropertyName("listedIds")] string? ListedIds,
    [property: JsonPropertyName("details")] string? Details,
    [property: JsonPropertyName("traceId")] string? TraceId);

/// <summary><c>GET /admin/audit</c>: the audit lines of every module, newest first. There is no endpoint that changes them.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditLog(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/audit", async (HttpContext http, ModuleDatabases modules, string? recordId, string? subject, string? onBehalfOf, DateTimeOffset? from, int? limit, CancellationToken ct) =>
            {
                var take = limit ?? 100;
                if (take is < 1 or > 1000)
                {
                    throw TmfProblemException.BadRequest("INVALID_PAGING", "'limit' must be a whole number from 1 to 1000.");
                }

                var lines = new List<AuditLine>();
                foreach (var type in modules.Contexts.Where(t => t.IsAssignableTo(typeof(ModuleDbContext))))
                {
                    var db = (ModuleDbContext)http.RequestServices.GetRequiredService(type);
                    var query = db.AuditLog.AsNoTracking();
                    if (!string.IsNullOrEmpty(recordId))
                    {
                        query = query.Where(e => e.RecordId == recordId || (e.ListedIds != null && e.ListedIds.Contains(recordId)));
                    }

                    if (!string.IsNullOrEmpty(subject))
                    {
                        query = query.Where(e => e.Subject == subject);
                    }

                    if (!string.IsNullOrEmpty(onBehalfOf))
                    {
                        query = query.Where(e => e.OnBehalfOf == onBehalfOf);
                    }

                    if (from is { } since)
                    {
                        query = query.Where(e => e.At >= since);
                    }

                    var found = await query.OrderByDescending(e => e.At).Take(take).ToListAsync(ct);
                    lines.AddRange(found.Select(e => new AuditLine(e.Id, e.At, db.OwningModule, e.Subject, e.ClientId, e.Roles, e.OnBehalfOf, e.Action,
                        e.ResourceType, e.RecordId, e.ListedIds, e.Details, e.TraceId)));
                }

                return Results.Json(lines.OrderByDescending(l => l.At).ThenByDescending(l => l.Id).Take(take).ToList(), TmfJson.Options);
            })
            .WithTags("Operations")
            .WithName("listAuditLog")
            .WithSummary("Read the append-only audit log (who did what to which record, when, on behalf of whom, under which trace)")
            .WithDescription("Filters: recordId (also finds lists that returned it), subject, onBehalfOf, from; newest first, limit ≤ 1000. Lines hold ids and attribute names, never personal data.")
            .Produces<List<AuditLine>>()
            .ProducesTmfErrors(400, 401, 403)
            .RequireAuthorization(DialtonePolicies.Admin);
        return endpoints;
    }
}
