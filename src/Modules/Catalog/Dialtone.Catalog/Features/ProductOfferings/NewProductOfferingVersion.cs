using System.Globalization;
using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Catalog.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Catalog.Features.ProductOfferings;

/// <summary>
/// Clones an offering into its next version: a new id, the version incremented, <c>In design</c>, and a
/// <c>replaces</c> relationship to its predecessor, which stays exactly as customers bought it.
/// </summary>
internal static class NewProductOfferingVersion
{
    public static RouteHandlerBuilder MapNewProductOfferingVersion(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost($"{CatalogResources.ProductOffering.BasePath}/{{id}}/newVersion", HandleAsync)
            .WithTags("ProductOffering")
            .WithName("newProductOfferingVersion")
            .WithSummary("Create the next version of a ProductOffering")
            .WithDescription("Dialtone extension to TMF620: copies the offering into a new one (new id, version + 1, lifecycleStatus 'In design', productOfferingRelationship 'replaces' → the predecessor). Change prices on the new version, then launch it and retire the old one.")
            .Produces<ProductOffering>(StatusCodes.Status201Created)
            .ProducesTmfErrors(401, 403, 404)
            .RequireAuthorization(DialtonePolicies.CatalogWrite);

    private static async Task<IResult> HandleAsync(string id, HttpContext http, IDbContextOutbox<CatalogDbContext> outbox,
        ProductOfferingRules rules, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct)
    {
        var resource = CatalogResources.ProductOffering;
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(ct);
        var predecessorDocument = await db.Documents.OfResource(resource).FirstOrDefaultAsync(d => d.Id == id, ct)
                                  ?? throw TmfProblemException.NotFound(resource.TypeName, id);
        var predecessor = TmfRepresentation.FromStored<ProductOffering>(predecessorDocument);

        var now = clock.GetUtcNow();
        var baseUrl = TmfResourceEndpoints.BaseUrl(http, options.Value);
        var successor = TmfRepresentation.FromStored<ProductOffering>(predecessorDocument);
        successor.Id = null;
        successor.Href = null;
        successor.LastUpdate = null;
        successor.Version = NextVersion(predecessor.Version);
        successor.LifecycleStatus = LifecycleStatus.InDesign;
        successor.ProductOfferingRelationship =
        [
            .. (successor.ProductOfferingRelationship ?? []).Where(r => r.RelationshipType != ProductOfferingRules.Replaces),
            new ProductOfferingRelationship { Id = id, RelationshipType = ProductOfferingRules.Replaces, Name = predecessor.Name },
        ];

        var context = new TmfWriteContext(db, http.GetCaller(), baseUrl, now);
        var (document, view) = await TmfResourceEndpoints.CreateDocumentAsync<CatalogDbContext, ProductOffering, ProductOfferingRules>(
            outbox, rules, TmfRepresentation.ToJsonObject(successor), context, ct);
        await outbox.SaveChangesAndFlushMessagesAsync(ct);

        http.Response.Headers.ETag = document.ETag;
        http.Response.Headers.Location = resource.Href(baseUrl, document.Id);
        return Results.Json(view, TmfJson.Options, "application/json; charset=utf-8", StatusCodes.Status201Created);
    }

    /// <summary>The next major version: "1.0" → "2.0", "3" → "4"; a version without a leading number becomes "2.0".</summary>
    internal static string NextVersion(string? version)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return "2.0";
        }

        var major = version.Split('.')[0];
        return int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? version.Contains('.', StringComparison.Ordinal) ? $"{number + 1}.0" : $"{number + 1}"
            : "2.0";
    }
}
