using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dialtone.Parties.Domain;
using Dialtone.Parties.Features.SignUp;
using Dialtone.Parties.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Audit;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Parties.Features.SelfService;

/// <summary>A subscriber's consents; in a PUT, an absent consent keeps its value.</summary>
internal sealed record Consents(
    [property: JsonPropertyName("marketing")] bool? Marketing,
    [property: JsonPropertyName("personalisedOffers")] bool? PersonalisedOffers);

/// <summary>What an erasure did.</summary>
internal sealed record ErasureResult(
    [property: JsonPropertyName("partyId")] string PartyId,
    [property: JsonPropertyName("erasedAt")] DateTimeOffset ErasedAt,
    [property: JsonPropertyName("modules")] IReadOnlyList<string> Modules);

/// <summary>
/// The subscriber's own <c>/selfservice/me</c>: consents (read and change), a GDPR export of everything every module
/// holds about them, and erasure (refused with 409 while something still binds them, e.g. money owed). Export and
/// erasure are audited; erasure is announced with <see cref="Contracts.PersonalDataErased"/>.
/// </summary>
internal static class SelfServiceEndpoints
{
    public static IEndpointRouteBuilder MapSelfService(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/selfservice/me").WithTags("Self-service").RequireAuthorization(DialtonePolicies.SelfService);

        group.MapGet("consents", async (HttpContext http, PartiesDbContext db, CancellationToken ct) =>
                Results.Json(ConsentsOf(await IndividualAsync(db, http.GetCaller(), ct)), TmfJson.Options))
            .WithName("getMyConsents")
            .WithSummary("The caller's consents: marketing, personalised offers")
            .Produces<Consents>()
            .ProducesTmfErrors(401, 403);

        group.MapPut("consents", async (HttpContext http, IDbContextOutbox<PartiesDbContext> outbox, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct) =>
            {
                var input = TmfRepresentation.FromJson<Consents>(await TmfBody.ReadObjectAsync(http.Request, ct));
                var caller = http.GetCaller();
                var db = outbox.DbContext;
                await using var transaction = await db.BeginSerializedWriteAsync(ct);
                var context = new TmfWriteContext(db, caller, TmfResourceEndpoints.BaseUrl(http, options.Value), clock.GetUtcNow());
                await DocumentRewrites.RewriteAsync(outbox, PartyResources.Individual, [caller.PartyId!], person =>
                {
                    var characteristics = person["partyCharacteristic"] as JsonArray ?? [];
                    person["partyCharacteristic"] = characteristics;
                    Set(characteristics, SignUpCommand.MarketingConsent, input.Marketing);
                    Set(characteristics, SignUpCommand.PersonalisedOffersConsent, input.PersonalisedOffers);
                }, context, ct);
                await outbox.SaveChangesAndFlushMessagesAsync(ct);
                return Results.Json(ConsentsOf(await IndividualAsync(db, caller, ct)), TmfJson.Options);
            })
            .WithName("setMyConsents")
            .WithSummary("Give or withdraw consents; each change is audited and published as an IndividualAttributeValueChangeEvent")
            .Accepts<Consents>("application/json")
            .Produces<Consents>()
            .ProducesTmfErrors(400, 401, 403, 413, 415);

        group.MapGet("export", async (HttpContext http, IEnumerable<IPersonalDataHolder> holders, PartiesDbContext db, TimeProvider clock, CancellationToken ct) =>
            {
                var caller = http.GetCaller();
                var subject = new DataSubject(caller.PartyId!, caller.Subject!);
                var modules = new JsonObject();
                foreach (var holder in holders.OrderBy(h => h.Module, StringComparer.Ordinal))
                {
                    modules[holder.Module] = await holder.ExportAsync(subject, ct);
                }

                var now = clock.GetUtcNow();
                AuditTrail.Record(db, caller, null, now, "export", PartyResources.Individual.Resource, subject.PartyId);
                await db.SaveChangesAsync(ct);
                var export = new JsonObject
                {
                    ["exportedAt"] = UtcDateTimeOffsetConverter.Format(now),
                    ["partyId"] = subject.PartyId,
                    ["userId"] = subject.UserId,
                    ["modules"] = modules,
                };
                http.Response.Headers.ContentDisposition = "attachment; filename=\"dialtone-personal-data.json\"";
                return Results.Json(export, TmfJson.Options);
            })
            .WithName("exportMyData")
            .WithSummary("GDPR export: everything Dialtone holds about the caller, per module, as JSON")
            .Produces<JsonObject>()
            .ProducesTmfErrors(401, 403);

        group.MapPost("erasure", async (HttpContext http, IEnumerable<IPersonalDataHolder> holders, PartiesDbContext db, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct) =>
            {
                var caller = http.GetCaller();
                var subject = new DataSubject(caller.PartyId!, caller.Subject!);
                var ordered = holders.OrderBy(h => h.ErasureOrder).ThenBy(h => h.Module, StringComparer.Ordinal).ToList();
                var blockers = new List<string>();
                foreach (var holder in ordered)
                {
                    blockers.AddRange(await holder.ErasureBlockersAsync(subject, ct));
                }

                if (blockers.Count > 0)
                {
                    throw TmfProblemException.Conflict("ERASURE_REFUSED", "Your data cannot be erased yet: " + string.Join(" ", blockers));
                }

                var now = clock.GetUtcNow();
                AuditTrail.Record(db, caller, null, now, "erase", PartyResources.Individual.Resource, subject.PartyId, string.Join(',', ordered.Select(h => h.Module)));
                await db.SaveChangesAsync(ct);
                var context = new TmfWriteContext(db, caller, TmfResourceEndpoints.BaseUrl(http, options.Value), now);
                foreach (var holder in ordered)
                {
                    await holder.EraseAsync(subject, context, ct);
                }

                return Results.Json(new ErasureResult(subject.PartyId, now, [.. ordered.Select(h => h.Module)]), TmfJson.Options);
            })
            .WithName("eraseMyData")
            .WithSummary("GDPR erasure: pseudonymises the caller in every module and removes their login; 409 while something still binds them (money owed, later active lines)")
            .WithDescription("Records the law requires to be kept unchanged (issued invoices, payments) will stay as they are, access-restricted, until their retention ends. Announced as a PersonalDataErased event so that other systems erase too.")
            .Produces<ErasureResult>()
            .ProducesTmfErrors(401, 403, 409);

        return endpoints;
    }

    private static async Task<JsonObject> IndividualAsync(PartiesDbContext db, Caller caller, CancellationToken ct)
    {
        var id = caller.PartyId!;
        var document = await db.Documents.OfResource(PartyResources.Individual).FirstOrDefaultAsync(d => d.Id == id, ct)
                       ?? throw TmfProblemException.NotFound(PartyResources.Individual.TypeName, id);
        return JsonNode.Parse(document.Body)!.AsObject();
    }

    private static Consents ConsentsOf(JsonObject individual)
    {
        bool Given(string name) => (individual["partyCharacteristic"] as JsonArray ?? [])
            .Any(c => c?["name"]?.GetValue<string>() == name && c["value"]?.GetValueKind() == JsonValueKind.True);
        return new Consents(Given(SignUpCommand.MarketingConsent), Given(SignUpCommand.PersonalisedOffersConsent));
    }

    private static void Set(JsonArray characteristics, string name, bool? value)
    {
        if (value is not { } given)
        {
            return;
        }

        var existing = characteristics.OfType<JsonObject>().FirstOrDefault(c => c["name"]?.GetValue<string>() == name);
        if (existing is null)
        {
            characteristics.Add(new JsonObject { ["name"] = name, ["valueType"] = "boolean", ["value"] = given });
        }
        else
        {
            existing["value"] = given;
        }
    }
}
