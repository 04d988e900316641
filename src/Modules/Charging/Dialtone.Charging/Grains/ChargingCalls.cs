using Dialtone.Charging.Rating;

namespace Dialtone.Charging.Grains;

/// <summary>What an Nchf request asks a charging account to do.</summary>
public enum ChargingOperation
{
    /// <summary><c>POST /chargingdata</c>: open a session.</summary>
    Create,

    /// <summary><c>POST /chargingdata/{ref}/update</c>.</summary>
    Update,

    /// <summary><c>POST /chargingdata/{ref}/release</c>: close the session.</summary>
    Release,
}

/// <summary>
/// An Nchf request as the grain reads it, already validated: the operation, the session, the sequence number that makes
/// it exactly-once, and per rating group the quota asked for and the units used.
/// </summary>
/// <param name="ChargingDataRef">The session (update and release); null on create.</param>
/// <param name="CreateKey">On create: the consumer's identification and charging id, which with the sequence number recognise a retransmitted create.</param>
/// <param name="Sequence">The <c>invocationSequenceNumber</c>.</param>
/// <param name="NotifyUri">Where the consumer hears of re-authorisation and aborts.</param>
/// <param name="Zone">Where the subscriber is (<see cref="Zones"/>); null when the request does not say (an update without its service's block).</param>
/// <param name="Units">Per rating group: quota asked for, units used.</param>
/// <param name="OneTime">Whether it is a one-time event (a create only).</param>
[GenerateSerializer, Immutable]
public sealed record ChargingCall(
    [property: Id(0)] ChargingOperation Operation,
    [property: Id(1)] string? ChargingDataRef,
    [property: Id(2)] string? CreateKey,
    [property: Id(3)] long Sequence,
    [property: Id(4)] string? NotifyUri,
    [property: Id(5)] string? Zone,
    [property: Id(6)] IReadOnlyList<UnitUsage> Units,
    [property: Id(7)] OneTimeEvent OneTime = OneTimeEvent.None);

/// <summary>
/// A one-time event (TS 32.291 <c>oneTimeEvent</c>, an SMS): no session follows. <c>IEC</c> (immediate event charging)
/// debits the requested units at once; <c>PEC</c> (post event charging) rates the used units reported.
/// </summary>
public enum OneTimeEvent
{
    /// <summary>A session: create, updates, release.</summary>
    None,

    /// <summary>Immediate event charging: what is granted is debited.</summary>
    Immediate,

    /// <summary>Post event charging: the used units reported are rated.</summary>
    Post,
}

/// <summary>One rating group of a request (a <c>multipleUnitUsage</c>).</summary>
/// <param name="RatingGroup">The rating group.</param>
/// <param name="Unit">What the request's service counts (data: octets, a call: seconds, SMS: events); null when the request names no service (an update or release: the session's).</param>
/// <param name="Requested">Quota asked for in each measure (0 when <c>requestedUnit</c> names no amount: the default quota); null when no quota is asked.</param>
/// <param name="Used">The used unit containers: <c>localSequenceNumber</c> and units.</param>
[GenerateSerializer, Immutable]
public sealed record UnitUsage(
    [property: Id(0)] int RatingGroup,
    [property: Id(1)] UsageUnit? Unit,
    [property: Id(2)] Measure? Requested,
    [property: Id(3)] IReadOnlyList<UsedUnits> Used);

/// <summary>One used unit container.</summary>
[GenerateSerializer, Immutable]
public sealed record UsedUnits([property: Id(0)] long LocalSequence, [property: Id(1)] Measure Units);

/// <summary>An amount as the wire gives it in each unit: volume (octets), time (seconds), service-specific units (events).</summary>
[GenerateSerializer, Immutable]
public sealed record Measure([property: Id(0)] long Octets, [property: Id(1)] long Seconds, [property: Id(2)] long Events)
{
    /// <summary>
    /// Null when it names no amount; false when a call or SMS is given an amount only in other units than its own. Data
    /// is charged by volume whatever else a report names: an SMF reports a quiet period's time with no volume.
    /// </summary>
    public bool? OnlyIn(UsageUnit unit) =>
        Octets == 0 && Seconds == 0 && Events == 0 ? null : unit == UsageUnit.Octet || In(unit) != 0;

    /// <summary>The amount in <paramref name="unit"/>.</summary>
    public long In(UsageUnit unit) => unit switch
    {
        UsageUnit.Second => Seconds,
        UsageUnit.Event => Events,
        _ => Octets,
    };
}

/// <summary>How a request ended, each with its HTTP status and cause (TS 32.291 §6.1.7).</summary>
public enum ChargingOutcome
{
    /// <summary>201: the session is open.</summary>
    Created,

    /// <summary>200.</summary>
    Updated,

    /// <summary>204.</summary>
    Released,

    /// <summary>404 <c>USER_UNKNOWN</c>: no open charging account (never opened, or the line was terminated).</summary>
    UserUnknown,

    /// <summary>404 <c>CONTEXT_NOT_FOUND</c>: no such session (or it ended and its tombstone is gone).</summary>
    SessionUnknown,

    /// <summary>403 <c>END_USER_REQUEST_DENIED</c>: the line is barred.</summary>
    Denied,

    /// <summary>400 <c>CHARGING_FAILED</c>: a sequence number below one already answered (only the last answer is kept).</summary>
    OutOfSequence,

    /// <summary>400 <c>CHARGING_FAILED</c>: the request does not fit its session (another service than the session charges).</summary>
    Mismatch,
}

/// <summary>The answer to a request; the grain keeps it, so a retransmission gets the very same answer.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="ChargingDataRef">The session.</param>
/// <param name="Sequence">The sequence number answered.</param>
/// <param name="At">When the charging function answered (<c>invocationTimeStamp</c>).</param>
/// <param name="Grants">Per rating group the quota granted, or why not.</param>
/// <param name="Prepaid">Whether the account is prepaid (the consumer terminates when the charging function is unreachable).</param>
/// <param name="Detail">What went wrong, for an error.</param>
[GenerateSerializer, Immutable]
public sealed record ChargingAnswer(
    [property: Id(0)] ChargingOutcome Outcome,
    [property: Id(1)] string? ChargingDataRef,
    [property: Id(2)] long Sequence,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] IReadOnlyList<UnitGrant> Grants,
    [property: Id(5)] bool Prepaid,
    [property: Id(6)] string? Detail = null);

/// <summary>One rating group's answer (a <c>multipleUnitInformation</c>).</summary>
/// <param name="RatingGroup">The rating group.</param>
/// <param name="Unit">What the units count.</param>
/// <param name="ResultCode"><c>SUCCESS</c>, <c>QUOTA_LIMIT_REACHED</c> or <c>END_USER_SERVICE_DENIED</c>.</param>
/// <param name="Granted">Units granted (null when none was asked).</param>
/// <param name="ValiditySeconds">How long the grant may be used.</param>
/// <param name="Threshold">Units left at which the consumer asks for more (a fifth of the grant).</param>
/// <param name="FinalUnit">Nothing more will be granted after these units: the consumer terminates when they are used.</param>
[GenerateSerializer, Immutable]
public sealed record UnitGrant(
    [property: Id(0)] int RatingGroup,
    [property: Id(1)] UsageUnit Unit,
    [property: Id(2)] string ResultCode,
    [property: Id(3)] long? Granted,
    [property: Id(4)] long? ValiditySeconds,
    [property: Id(5)] long? Threshold,
    [property: Id(6)] bool FinalUnit);
