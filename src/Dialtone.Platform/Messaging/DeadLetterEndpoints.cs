using System.Text.Json.Serialization;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Dialtone.Platform.Messaging;

/// <summary>A message that exhausted its retries, as an operator sees it (no payload: it may hold personal data).</summary>
public sealed record DeadLetter(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("messageType")] string? MessageType,
    [property: JsonPropertyName("exceptionType")] string? ExceptionType,
    [property: JsonPropertyName("exceptionMessage")] string? ExceptionMessage,
    [property: JsonPropertyName("sentAt")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("replayable")] bool Replayable);

/// <summary>Which dead letters to replay.</summary>
public sealed record DeadLetterReplay([property: JsonPropertyName("ids"), JsonRequired] IReadOnlyList<Guid> Ids);

/// <summary>Operators list the messages that exhausted their retries and send them again once the cause is fixed.</summary>
public static class DeadLetterEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/deadLetters").WithTags("Operations").RequireAuthorization(DialtonePolicies.Admin);

        group.MapGet("", async (IMessageStore store, int? limit, CancellationToken ct) =>
            {
                var results = await store.DeadLetters.QueryAsync(new DeadLetterEnvelopeQuery { PageSize = Math.Clamp(limit ?? 100, 1, 1000) }, ct);
                var letters = results.Envelopes.Select(d => new DeadLetter(d.Id, d.MessageType, d.ExceptionType, d.ExceptionMessage, d.SentAt, d.Replayable)).ToList();
                return Results.Json(letters, TmfJson.Options);
            })
            .WithName("listDeadLetters")
            .WithSummary("List dead letters: messages (hub deliveries, later legacy calls) that exhausted their retries")
            .Produces<List<DeadLetter>>()
            .ProducesTmfErrors(401, 403);

        group.MapPost("replay", async (HttpRequest request, IMessageStore store, Hub.ListenerCircuits circuits, CancellationToken ct) =>
            {
                var body = await TmfBody.ReadObjectAsync(request, ct);
                var replay = Tmf.Documents.TmfRepresentation.FromJson<DeadLetterReplay>(body);
                if (replay.Ids is not { Count: > 0 })
                {
                    throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'ids' names no dead letter.");
                }

                circuits.Reset();
                await store.DeadLetters.ReplayAsync(new DeadLetterEnvelopeQuery([.. replay.Ids]), ct);
                return Results.Accepted();
            })
            .WithName("replayDeadLetters")
            .WithSummary("Send dead letters again (closing every listener's circuit); the durability agent picks them up at its next poll")
            .Accepts<DeadLetterReplay>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesTmfErrors(400, 401, 403, 415);

        return endpoints;
    }
}
