namespace Dialtone.Charging.Grains;

/// <summary>
/// A shared (family) pool (ADR 0013): allowances several charging accounts draw on after their own add-on and plan
/// allowances and before money (ADR 0011 §2). Keyed by <see cref="SharedPoolIds.Of"/> of its owner, never by personal
/// data. Reserve, commit and release are idempotent by reservation id: a repeat answers what the first call answered
/// and changes nothing. Every call that changes the pool is written durably before it returns.
/// </summary>
public interface ISharedPoolGrain : IGrainWithGuidKey
{
    /// <summary>Opens the pool, or replaces its allowances (units used this period stay), once per change id.</summary>
    Task ConfigureAsync(PoolTerms terms);

    /// <summary>Lets an account draw on the pool; joining twice changes nothing.</summary>
    Task JoinAsync(Guid accountId);

    /// <summary>The account no longer draws on the pool; its open reservations still settle.</summary>
    Task LeaveAsync(Guid accountId);

    /// <summary>
    /// Holds up to the requested units for a member's reservation: never more than the pool has available. A repeat with
    /// the id of an open reservation returns its first grant; a non-member, or a service no pool allowance serves, gets 0.
    /// </summary>
    Task<PoolGrant> ReserveAsync(PoolReservation reservation);

    /// <summary>
    /// Settles a reservation with the units used: its hold is released, then the units are debited as far as the pool has
    /// units (used beyond the grant included); what the pool cannot pay is returned for the caller to rate further. The
    /// pool never goes below zero. A repeat answers the first settlement and changes nothing.
    /// </summary>
    Task<PoolSettlement> CommitAsync(PoolUsage usage);

    /// <summary>
    /// Commits and reserves in the order given, each as <see cref="CommitAsync"/> and <see cref="ReserveAsync"/> would,
    /// with one write for all: what one charging request asks of the pool. All or nothing: a failure applies none.
    /// </summary>
    Task<IReadOnlyList<PoolAnswer>> ApplyAsync(IReadOnlyList<PoolCall> calls);

    /// <summary>Releases a reservation's hold without debiting anything; a repeat, or an unknown id, changes nothing.</summary>
    Task<PoolSettlement> ReleaseAsync(string reservationId);

    /// <summary>
    /// Closes the pool for good (its bundle ended): members, allowances and open reservations go; later reserves are
    /// granted nothing, later reports are returned whole for the caller to rate, and configuring or joining changes nothing.
    /// </summary>
    Task CloseAsync();

    /// <summary>The pool's allowances and members; null when it was never configured, or is closed.</summary>
    Task<PoolBalance?> BalanceAsync();
}

/// <summary>A shared pool's key: a name-based UUID of its owner's id (a bundle product, a billing account), derived, never looked up.</summary>
public static class SharedPoolIds
{
    public static Guid Of(string ownerId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("dialtone-charging-pool:" + ownerId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

/// <summary>What a pool holds: its allowances (kind <c>sharedPool</c>), the day its bill cycle turns, and its currency (the pool holds no money).</summary>
[GenerateSerializer, Immutable]
public sealed record PoolTerms(
    [property: Id(0)] string ChangeId,
    [property: Id(1)] int CycleDay,
    [property: Id(2)] IReadOnlyList<AllowanceTerms> Allowances,
    [property: Id(3)] string Currency = "EUR");

/// <summary>What a pool allowance must serve: the rating group, the unit it counts (<c>octet</c>, <c>second</c>, <c>event</c>) and the subscriber's zone.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolService([property: Id(0)] int RatingGroup, [property: Id(1)] string Unit, [property: Id(2)] string Zone);

/// <summary>A member's request for pool units under its own reservation id.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolReservation(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] Guid AccountId,
    [property: Id(2)] PoolService Service,
    [property: Id(3)] long Units,
    [property: Id(4)] TimeSpan Validity);

/// <summary>
/// Units the pool holds for a reservation, per allowance, until <paramref name="ValidUntil"/> (never past a reset);
/// <paramref name="MoreAvailable"/>: a further request could still be granted something; <paramref name="Serves"/>:
/// some pool allowance serves the service at all.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PoolGrant(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] long Granted,
    [property: Id(2)] DateTimeOffset ValidUntil,
    [property: Id(3)] bool MoreAvailable,
    [property: Id(4)] bool Serves,
    [property: Id(5)] IReadOnlyList<PoolTake> FromBuckets);

/// <summary>Units held in, or debited from, one pool allowance.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolTake([property: Id(0)] string BucketId, [property: Id(1)] long Units);

/// <summary>Used units reported under a reservation id (also when no reservation is open: expired, or never granted).</summary>
[GenerateSerializer, Immutable]
public sealed record PoolUsage(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] Guid AccountId,
    [property: Id(2)] PoolService Service,
    [property: Id(3)] long Units);

/// <summary>
/// How a reservation was settled: <paramref name="Debited"/> units from the pool's allowances, <paramref name="Returned"/>
/// units the pool could not pay (the caller rates them with money), and the 80/100 % thresholds the debit crossed.
/// <paramref name="Released"/>: settled by a release (nothing debited).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PoolSettlement(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] bool Released,
    [property: Id(2)] long Debited,
    [property: Id(3)] long Returned,
    [property: Id(4)] IReadOnlyList<PoolTake> Debits,
    [property: Id(5)] IReadOnlyList<PoolThreshold> Thresholds);

/// <summary>A pool allowance's used units reached <paramref name="Percent"/> (80 or 100) of its amount (ADR 0011 §9).</summary>
[GenerateSerializer, Immutable]
public sealed record PoolThreshold([property: Id(0)] string BucketId, [property: Id(1)] int Percent, [property: Id(2)] long Used, [property: Id(3)] long Amount);

/// <summary>One call of a batch: a commit or a reserve.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolCall([property: Id(0)] PoolUsage? Commit, [property: Id(1)] PoolReservation? Reserve);

/// <summary>The answer to a <see cref="PoolCall"/>: its settlement or its grant.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolAnswer([property: Id(0)] PoolSettlement? Settlement, [property: Id(1)] PoolGrant? Grant);

/// <summary>A pool's allowances, members and open reservations.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolBalance(
    [property: Id(0)] IReadOnlyList<BucketBalance> Buckets,
    [property: Id(1)] IReadOnlyList<Guid> Members,
    [property: Id(2)] int OpenReservations);
