namespace Dialtone.Charging.Grains;

/// <summary>What happened to the line a charging account charges for (from a completed order).</summary>
public enum AccountChangeKind
{
    /// <summary>A new line: the account opens with the plan's allowances and usage prices.</summary>
    Open,

    /// <summary>An add-on: its allowances are added at once.</summary>
    AddAllowances,

    /// <summary>The plan changed: the plan's allowances and the usage prices are replaced, add-ons kept.</summary>
    ChangePlan,

    /// <summary>The line is barred: new sessions are refused, open ones aborted.</summary>
    Suspend,

    /// <summary>The line is back in service.</summary>
    Resume,

    /// <summary>The line is gone: the account closes (its subscriber becomes unknown).</summary>
    Terminate,

    /// <summary>The line draws on a shared pool (<see cref="AccountChange.PoolId"/>) after its own allowances, before money (ADR 0013).</summary>
    JoinPool,

    /// <summary>The line no longer draws on its shared pool; what the pool holds for it is released.</summary>
    LeavePool,

    /// <summary>An add-on ended: its allowances (<see cref="AccountChange.Allowances"/>, by bucket id) go at once, with what rolled over from them.</summary>
    RemoveAllowances,
}

/// <summary>
/// One change of a charging account, applied once: the same <paramref name="ChangeId"/> (order id and item id) twice
/// changes nothing, so a redelivered event is harmless.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AccountChange(
    [property: Id(0)] string ChangeId,
    [property: Id(1)] AccountChangeKind Kind,
    [property: Id(2)] string ProductId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] AccountTerms? Terms = null,
    [property: Id(5)] IReadOnlyList<AllowanceTerms>? Allowances = null,
    [property: Id(6)] Guid? PoolId = null);

/// <summary>How an account pays: its plan's offering, prepaid or postpaid, currency, bill cycle day, credit limit and usage prices.</summary>
[GenerateSerializer, Immutable]
public sealed record AccountTerms(
    [property: Id(0)] bool Prepaid,
    [property: Id(1)] string Currency,
    [property: Id(2)] int CycleDay,
    [property: Id(3)] decimal? CreditLimit,
    [property: Id(4)] decimal StartingCredit,
    [property: Id(5)] IReadOnlyList<PriceTerms> Prices,
    [property: Id(6)] string? OfferingId = null);

/// <summary>A usage price: its id, rating groups, unit of measure text (<c>1 MB</c>) and tiers (one from 0 when flat).</summary>
[GenerateSerializer, Immutable]
public sealed record PriceTerms(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<int> RatingGroups,
    [property: Id(2)] string Currency,
    [property: Id(3)] string UnitOfMeasure,
    [property: Id(4)] IReadOnlyList<TierTerms> Tiers);

/// <summary>A tier of a usage price, in units of measure.</summary>
[GenerateSerializer, Immutable]
public sealed record TierTerms([property: Id(0)] long From, [property: Id(1)] long? To, [property: Id(2)] decimal Amount);

/// <summary>An allowance (an <c>AllowanceDefinition</c> of a product), with the bucket id it gets and whose it is.</summary>
[GenerateSerializer, Immutable]
public sealed record AllowanceTerms(
    [property: Id(0)] string BucketId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Unit,
    [property: Id(3)] long? Amount,
    [property: Id(4)] IReadOnlyList<int> RatingGroups,
    [property: Id(5)] string Zone,
    [property: Id(6)] string ResetPeriod,
    [property: Id(7)] bool Rollover,
    [property: Id(8)] int Priority,
    [property: Id(9)] DateTimeOffset? ExpiresAt);

/// <summary>What an account holds now: its status, buckets and money, as a subscriber or agent reads it.</summary>
[GenerateSerializer, Immutable]
public sealed record AccountBalance(
    [property: Id(0)] string Status,
    [property: Id(1)] string? ProductId,
    [property: Id(2)] bool Prepaid,
    [property: Id(3)] string Currency,
    [property: Id(4)] decimal Credit,
    [property: Id(5)] decimal Debt,
    [property: Id(6)] decimal Unbilled,
    [property: Id(7)] decimal Held,
    [property: Id(8)] IReadOnlyList<BucketBalance> Buckets,
    [property: Id(9)] int OpenSessions);

/// <summary>One bucket's state.</summary>
[GenerateSerializer, Immutable]
public sealed record BucketBalance(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Unit,
    [property: Id(3)] long? Amount,
    [property: Id(4)] long Used,
    [property: Id(5)] long Held,
    [property: Id(6)] DateTimeOffset? NextReset,
    [property: Id(7)] DateTimeOffset? ExpiresAt);
