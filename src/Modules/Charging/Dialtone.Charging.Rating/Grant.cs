namespace Dialtone.Charging.Rating;

/// <summary>A request for quota (an Nchf <c>requestedUnit</c> of one rating group).</summary>
/// <param name="ReservationId">Chosen by the caller and unique in the account; reserving again with an open reservation's id returns its grant.</param>
/// <param name="SessionId">The charging session (ChargingDataRef); rounding carries and the one-reservation-per-rating-group rule are per session.</param>
/// <param name="Service">What is used.</param>
/// <param name="Units">Octets, seconds or events asked for; at least 1.</param>
/// <param name="Validity">How long the grant may be used at most (the caller's quota validity time).</param>
/// <param name="Now">The time of the request.</param>
public sealed record ReserveRequest(string ReservationId, string SessionId, RatedService Service, long Units, TimeSpan Validity, DateTimeOffset Now);

/// <summary>How a request for quota ended (ADR 0011 §6), with the Nchf result code each stands for.</summary>
public enum GrantOutcome
{
    /// <summary>Units were granted, maybe fewer than asked (<c>SUCCESS</c>).</summary>
    Granted,

    /// <summary>Something serves the service, but nothing is left (<c>QUOTA_LIMIT_REACHED</c>).</summary>
    Exhausted,

    /// <summary>No allowance and no price of the account serve the service (<c>END_USER_SERVICE_DENIED</c>).</summary>
    NotOffered,
}

/// <summary>Units a reservation holds in, or a report debited from, one bucket.</summary>
public sealed record BucketTake(string BucketId, long Units);

/// <summary>
/// Units a reservation pays for with money: <paramref name="Units"/> octets, seconds or events, covered by the session's
/// carry and <paramref name="PriceUnits"/> started units of measure costing <paramref name="Amount"/>.
/// </summary>
public sealed record MoneyHold(string PriceId, long Units, long PriceUnits, decimal Amount);

/// <summary>The answer to a request for quota: what was granted, from where, until when, and whether it is the last.</summary>
/// <param name="ReservationId">The request's reservation id.</param>
/// <param name="Outcome">Granted, exhausted or not offered.</param>
/// <param name="Requested">Units asked for.</param>
/// <param name="Granted">Units granted: never more than asked or available.</param>
/// <param name="FinalUnit">Nothing more could be granted after these units (Nchf <c>finalUnitIndication</c>).</param>
/// <param name="ValidUntil">When the grant's validity ends: never past a reset or expiry of what it holds.</param>
/// <param name="FromBuckets">Units held per bucket, in consumption order.</param>
/// <param name="FromMoney">Units paid for with money, or null.</param>
public sealed record Grant(
    string ReservationId,
    GrantOutcome Outcome,
    long Requested,
    long Granted,
    bool FinalUnit,
    DateTimeOffset ValidUntil,
    IReadOnlyList<BucketTake> FromBuckets,
    MoneyHold? FromMoney);

/// <summary>An open reservation: a grant not yet settled or released.</summary>
/// <param name="Id">The reservation id.</param>
/// <param name="SessionId">The charging session it belongs to.</param>
/// <param name="Service">What it was granted for.</param>
/// <param name="Grant">What it holds.</param>
/// <param name="ExpiresAt">When it is released unless settled: its validity plus <see cref="Grace"/>.</param>
public sealed record Reservation(string Id, string SessionId, RatedService Service, Grant Grant, DateTimeOffset ExpiresAt)
{
    /// <summary>How long a reservation outlives its validity, for the report its expiry triggers to arrive (ADR 0011 §6).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    internal bool Answers(ReserveRequest request) =>
        SessionId == request.SessionId && Service == request.Service && Grant.Requested == request.Units;
}
