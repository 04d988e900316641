using System.Text.Json;

namespace Dialtone.Charging.Notifications;

/// <summary>
/// A threshold crossing as the grain writes it to its outbox (kind <see cref="Kind"/>, ADR 0011 §9): the report that took
/// an allowance's used units across 80 % or 100 % of its amount. Names the line by its product id; never a person.
/// </summary>
/// <param name="ChargingDataRef">The session whose report crossed it.</param>
/// <param name="SequenceNumber">The request's <c>invocationSequenceNumber</c>.</param>
/// <param name="ProductId">The line.</param>
/// <param name="BucketId">The allowance.</param>
/// <param name="AllowanceKind"><c>plan</c>, <c>addOn</c> or <c>sharedPool</c>.</param>
/// <param name="Unit"><c>octet</c>, <c>second</c> or <c>event</c>.</param>
/// <param name="Percent">80 or 100.</param>
/// <param name="Used">Units used in the period after the report.</param>
/// <param name="Amount">The allowance's units per period.</param>
/// <param name="At">When it was rated.</param>
internal sealed record AllowanceThresholdCrossed(
    string ChargingDataRef,
    long SequenceNumber,
    string ProductId,
    string BucketId,
    string AllowanceKind,
    string Unit,
    int Percent,
    long Used,
    long Amount,
    DateTimeOffset At)
{
    public const string Kind = "allowance-threshold";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The outbox id, and the event id consumers dedupe by: one per request, allowance and percent.</summary>
    public string Id => $"{ChargingDataRef}/{SequenceNumber}/{BucketId}/{Percent}";

    /// <summary>The allowance's name: the catalog characteristic after the product id in the bucket id (<c>{productId}/{name}</c>).</summary>
    public string AllowanceName => BucketId.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? BucketId[(slash + 1)..] : BucketId;
}
