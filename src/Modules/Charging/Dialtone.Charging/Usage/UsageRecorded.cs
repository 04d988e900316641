using System.Text.Json;

namespace Dialtone.Charging.Usage;

/// <summary>
/// A rated usage record as the grain writes it to its outbox (kind <see cref="Kind"/>): one per used-units settlement of a
/// rating group (an update, a release, units reported late to an ended session, a one-time event that debited). It names
/// the line by its product id and the session by its ChargingDataRef; never a person (no IMSI, MSISDN or name).
/// </summary>
/// <param name="ChargingDataRef">The session.</param>
/// <param name="SequenceNumber">The request's <c>invocationSequenceNumber</c>.</param>
/// <param name="RatingGroup">The rating group.</param>
/// <param name="ProductId">The line (inventory product).</param>
/// <param name="Unit"><c>octet</c>, <c>second</c> or <c>event</c>.</param>
/// <param name="Used">Units used (more than 0).</param>
/// <param name="Zone">Where it was used (<c>home</c>, <c>EU</c>, a roaming zone).</param>
/// <param name="UsageDate">When the charging function rated it.</param>
/// <param name="Prepaid">Whether money came from prepaid credit (else it is billed).</param>
/// <param name="Currency">The account's currency.</param>
/// <param name="Debits">Units taken from each allowance, in consumption order.</param>
/// <param name="Charge">What money paid, or null.</param>
/// <param name="Unpriced">Units beyond allowances that no price rates (recorded at no charge).</param>
/// <param name="BeyondGrant">Units used beyond what had been granted.</param>
internal sealed record UsageRecorded(
    string ChargingDataRef,
    long SequenceNumber,
    int RatingGroup,
    string ProductId,
    string Unit,
    long Used,
    string Zone,
    DateTimeOffset UsageDate,
    bool Prepaid,
    string Currency,
    IReadOnlyList<UsageDebit> Debits,
    UsageCharge? Charge,
    long Unpriced,
    long BeyondGrant)
{
    public const string Kind = "usage";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The outbox id: the session, the request and the rating group, so one report makes one record, ever.</summary>
    public string Id => IdOf(ChargingDataRef, SequenceNumber, RatingGroup);

    public static string IdOf(string chargingDataRef, long sequenceNumber, int ratingGroup) => $"{chargingDataRef}/{sequenceNumber}/{ratingGroup}";
}

/// <summary>Units debited from one allowance (bucket).</summary>
internal sealed record UsageDebit(string BucketId, long Units);

/// <summary>
/// Money a report cost: <paramref name="Units"/> units paid for, <paramref name="Amount"/> charged (4 decimals), of which
/// <paramref name="Uncovered"/> neither credit nor the credit limit covered (prepaid debt, or postpaid beyond the limit).
/// </summary>
internal sealed record UsageCharge(string PriceId, long Units, decimal Amount, decimal Uncovered);
