namespace Dialtone.Charging.Rating;

/// <summary>The kinds of allowance, declared in the order they are consumed (ADR 0011 §2); money comes after all of them.</summary>
public enum BucketKind
{
    /// <summary>An add-on's allowance (a Data Boost, a World Pass): used first.</summary>
    AddOn,

    /// <summary>The plan's own allowance.</summary>
    Plan,

    /// <summary>A pool shared by every line of the account (family plans): used after the line's own allowances.</summary>
    SharedPool,
}

/// <summary>When an allowance is refilled: the catalog's <c>resetPeriod</c> (ADR 0006), at 00:00 UTC (ADR 0011 §10).</summary>
public enum ResetPeriod
{
    /// <summary>Never: a one-off bucket, kept until used up or until it expires.</summary>
    None,

    /// <summary>With the account's bill cycle, on its cycle day.</summary>
    BillingCycle,

    /// <summary>On the 1st of each month.</summary>
    Month,

    /// <summary>Each Monday.</summary>
    Week,

    /// <summary>Each day.</summary>
    Day,
}

/// <summary>
/// One allowance of a charging account: an <c>AllowanceDefinition</c> of a product the account owns (ADR 0006), with what
/// has been used of it in the current period and what open reservations hold.
/// </summary>
public sealed class Bucket
{
    private long used;
    private long held;
    private DateTimeOffset? nextReset;

    /// <summary>Unique in the account, e.g. the product id and the characteristic name.</summary>
    public required string Id { get; init; }

    /// <summary>Whose allowance it is: an add-on's, the plan's, or a shared pool.</summary>
    public required BucketKind Kind { get; init; }

    /// <summary>What it counts (the catalog's <c>unit</c>).</summary>
    public required UsageUnit Unit { get; init; }

    /// <summary>Units per period (the catalog's <c>amount</c>); null when unlimited.</summary>
    public required long? Amount { get; init; }

    /// <summary>The rating groups whose usage it pays for.</summary>
    public required IReadOnlyList<int> RatingGroups { get; init; }

    /// <summary>Where it applies (<see cref="Zones"/>).</summary>
    public string Zone { get; init; } = Zones.Home;

    /// <summary>When it is refilled.</summary>
    public ResetPeriod Reset { get; init; } = ResetPeriod.BillingCycle;

    /// <summary>Whether the units left at a reset carry over into the next period (once).</summary>
    public bool Rollover { get; init; }

    /// <summary>The catalog's priority: a tie-breaker within a kind and expiry, lower first.</summary>
    public int Priority { get; init; }

    /// <summary>When the bucket and its units are gone (an add-on's validity, the end of rolled-over units); null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whether these are units rolled over from an ended period (used before fresh ones, never rolled again, no thresholds).</summary>
    public bool RolledOver { get; init; }

    /// <summary>Units used (reported) in the current period.</summary>
    public long Used { get => used; init => used = value; }

    /// <summary>Units held by open reservations.</summary>
    public long Held { get => held; init => held = value; }

    /// <summary>When the bucket is next refilled; set by the wallet from <see cref="Reset"/> when left null.</summary>
    public DateTimeOffset? NextReset { get => nextReset; init => nextReset = value; }

    /// <summary>Whether it has no cap.</summary>
    public bool IsUnlimited => Amount is null;

    /// <summary>What a reservation may still take: amount − used − held, never below zero.</summary>
    public long Available => Amount is { } amount ? Math.Max(0, amount - used - held) : long.MaxValue;

    /// <summary>When the units it has now stop being usable: its expiry or its next reset, whichever comes first.</summary>
    public DateTimeOffset? UnitsExpireAt => (ExpiresAt, nextReset) switch
    {
        ({ } expiry, { } reset) => expiry < reset ? expiry : reset,
        (var expiry, var reset) => expiry ?? reset,
    };

    internal bool Serves(RatedService service) =>
        Unit == service.Unit && RatingGroups.Contains(service.RatingGroup) && Zones.Covers(Zone, service.Zone);

    internal void Hold(long units) => held += units;

    internal void Unhold(long units) => held -= units;

    internal void Debit(long units) => used += units;

    internal void Schedule(DateTimeOffset next) => nextReset = next;

    internal void Refill(DateTimeOffset next)
    {
        used = 0;
        nextReset = next;
    }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Id);
        if (Amount < 0 || used < 0 || held < 0 || used + held > Amount)
        {
            throw new ArgumentException($"Bucket '{Id}': amount, used and held units are never negative, and used + held never exceed the amount.");
        }

        if (RatingGroups.Count == 0)
        {
            throw new ArgumentException($"Bucket '{Id}' serves no rating group.");
        }
    }
}
