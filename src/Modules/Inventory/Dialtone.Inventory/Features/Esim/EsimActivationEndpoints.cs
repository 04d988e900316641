using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation;
using Dialtone.Inventory.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Dialtone.Inventory.Features.Esim;

/// <summary>
/// A line's eSIM activation code (GSMA SGP.22 <c>LPA:1$&lt;SM-DP+ address&gt;$&lt;matching id&gt;</c>) and its QR code as
/// a PNG, for the customer who holds or uses the line only: whoever scans the code can download the profile, so care
/// and partners do not get it (they re-issue one with a SIM swap order). Dialtone's extension of TMF637.
/// </summary>
internal static class EsimActivationEndpoints
{
    public static void MapEsimActivation(this IEndpointRouteBuilder endpoints)
    {
        var path = InventoryResources.Product.BasePath + "/{id}/esimActivation";
        endpoints.MapGet(path, async (string id, HttpContext http, InventoryDbContext db, CancellationToken ct) =>
            {
                var code = await OwnActivationCodeAsync(id, http, db, ct);
                return TypedResults.Ok(new EsimActivationView(code, http.Request.Path + ".png"));
            })
            .WithTags("product")
            .WithName("retrieveEsimActivation")
            .WithSummary("The eSIM activation code of the caller's own line")
            .ProducesTmfErrors(401, 403, 404)
            .RequireAuthorization(DialtonePolicies.SelfService);

        endpoints.MapGet(path + ".png", async (string id, HttpContext http, InventoryDbContext db, CancellationToken ct) =>
            {
                var code = await OwnActivationCodeAsync(id, http, db, ct);
                using var qr = QRCodeGenerator.GenerateQrCode(code, QRCodeGenerator.ECCLevel.M);
                http.Response.Headers.CacheControl = "no-store";
                return Results.File(new PngByteQRCode(qr).GetGraphic(8), "image/png");
            })
            .WithTags("product")
            .WithName("retrieveEsimActivationQrCode")
            .WithSummary("The eSIM activation code of the caller's own line as a QR code (PNG)")
            .ProducesTmfErrors(401, 403, 404)
            .RequireAuthorization(DialtonePolicies.SelfService);
    }

    private static async Task<string> OwnActivationCodeAsync(string id, HttpContext http, InventoryDbContext db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var document = await db.Documents.OfResource(InventoryResources.Product).FirstOrDefaultAsync(d => d.Id == id, ct);
        var product = document is null ? null : TmfRepresentation.FromStored<Product>(document);
        var owns = product?.RelatedParty?.Any(p => p.Id == caller.PartyId && p.Role is "customer" or "user") == true && caller.IsSelfService;
        var activation = owns ? await db.EsimActivations.AsNoTracking().FirstOrDefaultAsync(a => a.ProductId == id, ct) : null;
        if (activation is null || product!.Status == Contracts.ProductStatus.Terminated)
        {
            throw TmfProblemException.NotFound("esimActivation", id);
        }

        http.Response.Headers.CacheControl = "no-store";
        return activation.ActivationCode;
    }

    private sealed record EsimActivationView(string ActivationCode, string QrCode);
}
