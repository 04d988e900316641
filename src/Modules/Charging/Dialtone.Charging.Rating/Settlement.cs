namespace Dialtone.Charging.Rating;

/// <summary>A report of used units (an Nchf <c>usedUnitContainer</c> of one rating group), settling a reservation.</summary>
/// <param name="ReservationId">The reservation the units were granted under; when none is open (expired, never made) the units are rated all the same.</param>
/// <param name="SessionId">The charging session.</param>
/// <param name="Service">What was used.</param>
/// <param name="Units">Octets, seconds or events used; 0 or more.</param>
/// <param name="Now">The time of the report.</param>
public sealed record UsageReport(string ReservationId, string SessionId, RatedService Service, long Units, DateTimeOffset Now);

/// <summary>
/// What money a report cost: <paramref name="Units"/> octets, seconds or events beyond allowances, of which the
/// <paramref name="PriceUnits"/> newly started units of measure cost <paramref name="Amount"/> (the rest was the session's
/// carry). <paramref name="Uncovered"/>: the part neither prepaid credit nor the postpaid credit limit covered — prepaid
/// debt, or postpaid usage beyond the limit (billed all the same).
/// </summary>
public sealed record Charge(string PriceId, string Currency, long Units, long PriceUnits, decimal Amount, decimal Uncovered);

/// <summary>A finite allowance's used units reached <paramref name="Percent"/> (80 or 100) of its amount (ADR 0011 §9).</summary>
public sealed record ThresholdCrossing(string BucketId, int Percent, long Used, long Amount);

/// <summary>
/// What a report debited: units per bucket, money, and units no price rates; together they are the units reported.
/// </summary>
/// <param name="ReservationId">The report's reservation id.</param>
/// <param name="WasReserved">Whether an open reservation was settled (false: expired or never made).</param>
/// <param name="Used">Units reported.</param>
/// <param name="Granted">Units the settled reservation had granted (0 when none was open).</param>
/// <param name="Debits">Units debited per bucket, in consumption order.</param>
/// <param name="Charge">What money paid, or null.</param>
/// <param name="Unpriced">Units beyond allowances that the service has no usage price for: recorded, at no charge.</param>
/// <param name="Thresholds">Thresholds this report crossed.</param>
public sealed record Settlement(
    string ReservationId,
    bool WasReserved,
    long Used,
    long Granted,
    IReadOnlyList<BucketTake> Debits,
    Charge? Charge,
    long Unpriced,
    IReadOnlyList<ThresholdCrossing> Thresholds)
{
    /// <summary>Units used beyond the grant (traffic before the final-unit action bit, or after the reservation expired).</summary>
    public long BeyondGrant => Math.Max(0, Used - Granted);
}

/// <summary>What the passing of time did to an account: reservations expired, buckets refilled or gone, a bill cycle ended.</summary>
public sealed record Elapsed(IReadOnlyList<string> ExpiredReservations, IReadOnlyList<string> ResetBuckets, IReadOnlyList<string> ExpiredBuckets, bool CycleEnded)
{
    /// <summary>Nothing happened.</summary>
    public static readonly Elapsed Nothing = new([], [], [], false);
}
