using System.Diagnostics;
using System.Text.Json.Nodes;
using Dialtone.Platform.Json;

namespace Dialtone.Platform.Hub;

/// <summary>
/// A TMF event, as written to the outbox in the transaction of the change that caused it and fanned out to the
/// API's hub listeners. <see cref="Body"/> is the TMF688 notification exactly as listeners receive it.
/// </summary>
/// <param name="ProtectedBody">The notification, encrypted (<see cref="PersonalData.PersonalDataProtector.Protect"/>): it may hold personal data and is stored in the outbox and the dead letters.</param>
/// <param name="ResourceOwner">The owner key of whoever created the resource (<c>client:…</c>, <c>user:…</c>): a partner's listener receives the events of its own resources only.</param>
public sealed record TmfEventMessage(string ApiName, string EventId, string EventType, string ResourceType, string ResourceId, long ResourceVersion, string ProtectedBody, string? ResourceOwner = null);

/// <summary>The kinds of events every TMF resource has.</summary>
public enum TmfEventKind
{
    Create,
    AttributeValueChange,
    StateChange,
    Delete,
}

public static class TmfEvents
{
    /// <summary>Builds a TMF688 notification: <c>{eventId, eventTime, eventType, correlationId, domain, title, event: {resource: ...}}</c>.</summary>
    public static TmfEventMessage Build(string apiName, string resource, string typeName, TmfEventKind kind, string resourceId, long version, JsonObject representation, DateTimeOffset now,
        PersonalData.PersonalDataProtector protector, string? resourceOwner = null)
    {
        var eventType = $"{typeName}{kind}Event";
        var eventId = Guid.CreateVersion7(now).ToString();
        var body = new JsonObject
        {
            ["eventId"] = eventId,
            ["eventTime"] = UtcDateTimeOffsetConverter.Format(now),
            ["eventType"] = eventType,
            ["correlationId"] = Activity.Current?.TraceId.ToString(),
            ["domain"] = apiName,
            ["title"] = eventType,
            ["timeOcurred"] = UtcDateTimeOffsetConverter.Format(now),
            ["event"] = new JsonObject { [resource] = representation.DeepClone() },
        };
        return new TmfEventMessage(apiName, eventId, eventType, resource, resourceId, version, protector.Protect(body.ToJsonString(TmfJson.Options)), resourceOwner);
    }
}
