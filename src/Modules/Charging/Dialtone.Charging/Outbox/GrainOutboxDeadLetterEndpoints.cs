using System.Globalization;
using System.Text.Json.Serialization;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Storage;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Outbox;

/// <summary>A grain outbox entry that exhausted its attempts, as an operator sees it.</summary>
/// <param name="Id">The dead letter's id: the entry's position in the outbox when it failed.</param>
/// <param name="EntryId">The entry's own id within its kind (for usage records: ChargingDataRef/sequence/rating group).</param>
/// <param name="Payload">Only when one dead letter is read: the entry's JSON (never personal data: product ids, units, amounts).</param>
public sealed record OutboxDeadLetterView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("entryId")] string EntryId,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("failedAt")] DateTimeOffset FailedAt,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("payload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Payload);

/// <summary>Which dead letters to replay.</summary>
public sealed record OutboxDeadLetterReplay([property: JsonPropertyName("ids"), JsonRequired] IReadOnlyList<string> Ids);

/// <summary>What a replay put back into the outbox.</summary>
public sealed record OutboxDeadLetterReplayed([property: JsonPropertyName("replayed")] IReadOnlyList<string> Replayed);

/// <summary>
/// Operators list the charging grain outbox's dead letters (usage records, threshold notices, Nchf notifications,
/// voucher credits whose handler kept failing), read one with its payload, and put them back once the cause is fixed.
/// </summary>
internal static class GrainOutboxDeadLetterEndpoints
{
    public const string Root = "/admin/charging/outboxDeadLetters";

    /// <summary>The most ids one replay takes.</summary>
    public const int MaxReplay = 1000;

    public static IEndpointRouteBuilder MapGrainOutboxDeadLetters(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Root).WithTags("Operations").RequireAuthorization(DialtonePolicies.Admin);

        group.MapGet("", async (HttpContext http, CancellationToken ct) =>
            {
                var (offset, limit) = TmfListQuery.ParsePaging(http.Request.Query);
                var dialect = Storage(http).Dialect;
                var total = await dialect.CountDeadLettersAsync(ct);
                var letters = await dialect.ReadDeadLettersAsync(offset, limit, ct);
                var status = TmfResourceEndpoints.WriteListHeaders(http.Response, offset, letters.Count, (int)Math.Min(total, int.MaxValue));
                return Results.Json(letters.Select(View).ToList(), TmfJson.Options, statusCode: status);
            })
            .WithName("listChargingOutboxDeadLetters")
            .WithSummary("List the charging grain outbox's dead letters (entries whose handler failed every attempt), oldest first, without payloads; offset and limit page them")
            .Produces<List<OutboxDeadLetterView>>()
            .Produces<List<OutboxDeadLetterView>>(StatusCodes.Status206PartialContent)
            .ProducesTmfErrors(400, 401, 403);

        group.MapGet("{id}", async (HttpContext http, string id, CancellationToken ct) =>
            {
                var letter = ParseId(id) is { } sequence ? await Storage(http).Dialect.ReadDeadLetterAsync(sequence, ct) : null;
                return letter is null
                    ? throw TmfProblemException.NotFound("outboxDeadLetter", id)
                    : Results.Json(View(letter), TmfJson.Options);
            })
            .WithName("getChargingOutboxDeadLetter")
            .WithSummary("Read one dead letter with its payload")
            .Produces<OutboxDeadLetterView>()
            .ProducesTmfErrors(401, 403, 404);

        group.MapPost("replay", async (HttpContext http, CancellationToken ct) =>
            {
                var replay = TmfRepresentation.FromJson<OutboxDeadLetterReplay>(await TmfBody.ReadObjectAsync(http.Request, ct));
                if (replay.Ids is not { Count: > 0 })
                {
                    throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'ids' names no dead letter.");
                }

                if (replay.Ids.Count > MaxReplay)
                {
                    throw TmfProblemException.BadRequest("TOO_MANY_IDS", $"One replay takes at most {MaxReplay} ids.");
                }

                var storage = Storage(http);
                var sequences = new HashSet<long>();
                foreach (var id in replay.Ids)
                {
                    if (ParseId(id) is not { } sequence || await storage.Dialect.ReadDeadLetterAsync(sequence, ct) is null)
                    {
                        throw TmfProblemException.NotFound("outboxDeadLetter", id);
                    }

                    sequences.Add(sequence);
                }

                var replayed = await storage.Dialect.ReplayDeadLettersAsync(sequences, ct);
                storage.OutboxWritten.Notify();
                return Results.Json(new OutboxDeadLetterReplayed([.. replayed.Select(Id)]), TmfJson.Options, statusCode: StatusCodes.Status202Accepted);
            })
            .WithName("replayChargingOutboxDeadLetters")
            .WithSummary("Put dead letters back at the end of the grain outbox with their attempts reset; the relay hands them to their handler again")
            .Accepts<OutboxDeadLetterReplay>("application/json")
            .Produces<OutboxDeadLetterReplayed>(StatusCodes.Status202Accepted)
            .ProducesTmfErrors(400, 401, 403, 404, 413, 415);

        return endpoints;
    }

    private static BatchingGrainStorage Storage(HttpContext http) =>
        http.RequestServices.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name);

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0 ? sequence : null;

    private static string Id(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    private static OutboxDeadLetterView View(OutboxDeadLetter letter) =>
        new(Id(letter.Sequence), letter.Kind, letter.Id, letter.Attempts, letter.CreatedAt, letter.FailedAt, letter.Error, letter.Payload);
}
