using System.Text.Json.Serialization;
using Dialtone.Catalog.Contracts;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Legacy.Features.PlanMappings;

/// <summary>One row of the mapping table.</summary>
internal sealed record PlanMappingView(
    [property: JsonPropertyName("legacyPlanCode"), JsonRequired] string LegacyPlanCode,
    [property: JsonPropertyName("productOfferingId"), JsonRequired] string ProductOfferingId);

/// <summary>The whole table, as read and as replaced.</summary>
internal sealed record PlanMappingTable([property: JsonPropertyName("mappings"), JsonRequired] IReadOnlyList<PlanMappingView> Mappings);

/// <summary>The operator's table from legacy plan codes to catalog offerings: migrated lines get the mapped offering.</summary>
internal static class PlanMappingEndpoints
{
    public static IEndpointRouteBuilder MapPlanMappings(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/legacy/planMappings").WithTags("Legacy").RequireAuthorization(DialtonePolicies.Admin);

        group.MapGet("", async (LegacyDbContext db, CancellationToken ct) => Results.Json(await TableAsync(db, ct), TmfJson.Options))
            .WithName("getLegacyPlanMappings")
            .WithSummary("The mapping from legacy plan codes to catalog product offerings")
            .Produces<PlanMappingTable>()
            .ProducesTmfErrors(401, 403);

        group.MapPut("", async (HttpContext http, LegacyDbContext db, IOfferingCatalog catalog, TimeProvider clock, CancellationToken ct) =>
            {
                var table = TmfRepresentation.FromJson<PlanMappingTable>(await TmfBody.ReadObjectAsync(http.Request, ct));
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < table.Mappings.Count; i++)
                {
                    var mapping = table.Mappings[i];
                    if (mapping is null || string.IsNullOrWhiteSpace(mapping.LegacyPlanCode) || mapping.LegacyPlanCode.Trim().Length > 32 || !seen.Add(mapping.LegacyPlanCode.Trim()))
                    {
                        throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", $"'mappings[{i}].legacyPlanCode' is mandatory, at most 32 characters, once in the table.");
                    }

                    if (string.IsNullOrWhiteSpace(mapping.ProductOfferingId) || mapping.ProductOfferingId.Length > 64
                        || await catalog.FindOfferingAsync(mapping.ProductOfferingId, ct) is null)
                    {
                        throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'mappings[{i}].productOfferingId' names no product offering of the catalog.");
                    }
                }

                var now = clock.GetUtcNow();
                var by = Caller.From(http.User).OwnerKey;
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.PlanMappings.ExecuteDeleteAsync(ct);
                db.PlanMappings.AddRange(table.Mappings.Select(m => new PlanMapping { LegacyPlanCode = m.LegacyPlanCode.Trim(), ProductOfferingId = m.ProductOfferingId, UpdatedAt = now, UpdatedBy = by }));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return Results.Json(await TableAsync(db, ct), TmfJson.Options);
            })
            .WithName("replaceLegacyPlanMappings")
            .WithSummary("Replace the mapping table: every legacy plan code once, each to an offering the catalog has")
            .Accepts<PlanMappingTable>("application/json")
            .Produces<PlanMappingTable>()
            .ProducesTmfErrors(400, 401, 403, 415);

        return endpoints;
    }

    private static async Task<PlanMappingTable> TableAsync(LegacyDbContext db, CancellationToken ct) =>
        new(await db.PlanMappings.AsNoTracking().OrderBy(m => m.LegacyPlanCode).Select(m => new PlanMappingView(m.LegacyPlanCode, m.ProductOfferingId)).ToListAsync(ct));
}
