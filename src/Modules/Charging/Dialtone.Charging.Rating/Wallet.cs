using System.Globalization;

namespace Dialtone.Charging.Rating;

/// <summary>
/// A charging account's buckets and money with its open reservations: the rating engine (ADR 0011). Pure: no I/O and no
/// clock; every operation takes the time, first applies what the time passing did (<see cref="Advance"/>), and gives
/// the same result for the same state and inputs. Not thread-safe: its owner (the account's grain) calls it one at a
/// time. An operation checks its arguments before it changes anything beyond what the time passing did.
/// </summary>
public sealed partial class Wallet
{
    private readonly List<Bucket> buckets = [];
    private readonly SortedDictionary<string, Reservation> reservations = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> chargedThisCycle = new(StringComparer.Ordinal);
    private readonly Dictionary<(string SessionId, int RatingGroup), long> carries = [];

    /// <summary>An account in the bill cycle that contains <paramref name="now"/>.</summary>
    /// <param name="cycleDay">The day of the month (1–31) its bill cycle turns, at 00:00 UTC.</param>
    /// <param name="money">Its prepaid or postpaid money, in the tariff's currency.</param>
    /// <param name="tariff">Its usage prices.</param>
    /// <param name="buckets">Its allowances; refilling ones without <see cref="Bucket.NextReset"/> are scheduled from <paramref name="now"/>.</param>
    /// <param name="now">The current time.</param>
    /// <param name="chargedThisCycle">Units of measure already charged per price in this cycle (tier counts); none when null.</param>
    public Wallet(int cycleDay, MonetaryBalance money, Tariff tariff, IEnumerable<Bucket> buckets, DateTimeOffset now,
        IReadOnlyDictionary<string, long>? chargedThisCycle = null)
    {
        ArgumentNullException.ThrowIfNull(money);
        ArgumentNullException.ThrowIfNull(tariff);
        ArgumentNullException.ThrowIfNull(buckets);
        money.Validate();
        if (money.Currency != tariff.Currency)
        {
            throw new ArgumentException($"The money is in {money.Currency}, the tariff in {tariff.Currency}.", nameof(tariff));
        }

        CycleDay = cycleDay;
        CycleEnd = ResetSchedule.NextCycleStart(now, cycleDay);
        Money = money;
        Tariff = tariff;
        foreach (var bucket in buckets)
        {
            Add(bucket, now);
        }

        foreach (var (priceId, units) in chargedThisCycle ?? new Dictionary<string, long>())
        {
            this.chargedThisCycle[priceId] = units;
        }
    }

    /// <summary>A wallet with no buckets, reservations, tier counts or carries yet, in the cycle that ends at <paramref name="cycleEnd"/>: what <see cref="Restore"/> fills.</summary>
    private Wallet(int cycleDay, DateTimeOffset cycleEnd, MonetaryBalance money, Tariff tariff)
    {
        CycleDay = cycleDay;
        CycleEnd = cycleEnd;
        Money = money;
        Tariff = tariff;
    }

    /// <summary>The day of the month the bill cycle turns.</summary>
    public int CycleDay { get; }

    /// <summary>When the current bill cycle ends (and the next starts).</summary>
    public DateTimeOffset CycleEnd { get; private set; }

    /// <summary>Credit, debt, unbilled usage and held money.</summary>
    public MonetaryBalance Money { get; }

    /// <summary>The usage prices.</summary>
    public Tariff Tariff { get; }

    /// <summary>The allowances, including rolled-over units.</summary>
    public IReadOnlyList<Bucket> Buckets => buckets;

    /// <summary>The open reservations, by id.</summary>
    public IReadOnlyCollection<Reservation> Reservations => reservations.Values;

    /// <summary>The bucket with this id, or null.</summary>
    public Bucket? Find(string bucketId)
    {
        foreach (var bucket in buckets)
        {
            if (bucket.Id == bucketId)
            {
                return bucket;
            }
        }

        return null;
    }

    /// <summary>Units of measure charged at a price in this bill cycle: the count its tiers go by.</summary>
    public long ChargedThisCycle(string priceId) => chargedThisCycle.GetValueOrDefault(priceId);

    /// <summary>The paid but unused part of the session's last started unit of measure for a rating group (ADR 0011 §3).</summary>
    public long Carry(string sessionId, int ratingGroup) => carries.GetValueOrDefault((sessionId, ratingGroup));

    /// <summary>The ids of the buckets that would pay for <paramref name="service"/>, in the order they pay.</summary>
    public IReadOnlyList<string> ConsumptionOrderOf(RatedService service) =>
        [.. ConsumptionOrder.Of(buckets, service).Select(bucket => bucket.Id)];

    /// <summary>Adds an allowance (an add-on bought now takes effect at once).</summary>
    public void AddBucket(Bucket bucket, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        Advance(now);
        Add(bucket, now);
    }

    /// <summary>
    /// Removes allowances (an add-on that ended) with the units that rolled over from them; reservations holding units of
    /// them are released first (their ids answered), so the sessions ask again and are granted from what is left.
    /// </summary>
    public IReadOnlyList<string> RemoveBuckets(IReadOnlyCollection<string> ids, DateTimeOffset now)
    {
        Advance(now);
        bool Gone(string id) => ids.Any(removed => id == removed || id.StartsWith(removed + "/rollover/", StringComparison.Ordinal));
        var released = reservations.Where(pair => pair.Value.Grant.FromBuckets.Any(take => Gone(take.BucketId))).Select(pair => pair.Key).ToList();
        foreach (var reservation in released)
        {
            Remove(reservation);
        }

        buckets.RemoveAll(bucket => Gone(bucket.Id));
        return released;
    }

    /// <summary>Releases a reservation's holds without debiting anything; false when no reservation with this id is open.</summary>
    public bool Release(string reservationId, DateTimeOffset now)
    {
        Advance(now);
        return Remove(reservationId) is not null;
    }

    /// <summary>Ends a charging session: releases the reservations it still holds (their ids are returned) and ends its carries.</summary>
    public IReadOnlyList<string> CloseSession(string sessionId, DateTimeOffset now)
    {
        Advance(now);
        var open = reservations.Values.Where(reservation => reservation.SessionId == sessionId).Select(reservation => reservation.Id).ToList();
        open.ForEach(id => Remove(id));
        foreach (var key in carries.Keys.Where(key => key.SessionId == sessionId).ToList())
        {
            carries.Remove(key);
        }

        return open;
    }

    /// <summary>Adds prepaid credit; debt is paid first. Returns the debt paid.</summary>
    public decimal TopUp(decimal amount, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(amount, 0);
        Advance(now);
        return Money.TopUp(amount);
    }

    /// <summary>
    /// Applies what time did up to <paramref name="now"/>: reservations past their validity and grace are released,
    /// allowances due are refilled (rolling over what is left where they roll over), expired buckets go, and a bill cycle
    /// that ended restarts tier counts, postpaid unbilled usage and carries (ADR 0011 §10). Every operation calls it first.
    /// </summary>
    public Elapsed Advance(DateTimeOffset now)
    {
        if (!AnythingDue(now))
        {
            return Elapsed.Nothing;
        }

        var expired = reservations.Values.Where(reservation => reservation.ExpiresAt <= now).Select(reservation => reservation.Id).ToList();
        expired.ForEach(id => Remove(id));

        var reset = new List<string>();
        foreach (var bucket in buckets.ToList())
        {
            while (bucket.NextReset is { } at && at <= now)
            {
                Refill(bucket, at);
                if (!reset.Contains(bucket.Id))
                {
                    reset.Add(bucket.Id);
                }
            }
        }

        var gone = buckets.Where(bucket => bucket.ExpiresAt <= now).Select(bucket => bucket.Id).ToList();
        buckets.RemoveAll(bucket => bucket.ExpiresAt <= now);

        var cycleEnded = false;
        while (CycleEnd <= now)
        {
            chargedThisCycle.Clear();
            carries.Clear();
            Money.EndCycle();
            CycleEnd = ResetSchedule.NextCycleStart(CycleEnd, CycleDay);
            cycleEnded = true;
        }

        return new Elapsed(expired, reset, gone, cycleEnded);
    }

    /// <summary>Whether <see cref="Advance"/> has anything to do: nearly always not, and it runs on every operation.</summary>
    private bool AnythingDue(DateTimeOffset now)
    {
        if (CycleEnd <= now)
        {
            return true;
        }

        foreach (var bucket in buckets)
        {
            if (bucket.NextReset <= now || bucket.ExpiresAt <= now)
            {
                return true;
            }
        }

        if (reservations.Count > 0)
        {
            foreach (var reservation in reservations.Values)
            {
                if (reservation.ExpiresAt <= now)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void Add(Bucket bucket, DateTimeOffset now)
    {
        bucket.Validate();
        if (Find(bucket.Id) is not null || reservations.Values.Any(r => r.Grant.FromBuckets.Any(take => take.BucketId == bucket.Id)))
        {
            throw new ArgumentException($"Bucket id '{bucket.Id}' is already in use.", nameof(bucket));
        }

        if (bucket.NextReset is null && ResetSchedule.Next(bucket.Reset, now, CycleDay) is { } next)
        {
            bucket.Schedule(next);
        }

        buckets.Add(bucket);
    }

    /// <summary>Refills a bucket at its reset; unused units of a rollover allowance become a bucket of their own until the next reset.</summary>
    private void Refill(Bucket bucket, DateTimeOffset at)
    {
        var next = ResetSchedule.Next(bucket.Reset, at, CycleDay)!.Value;
        if (bucket is { Rollover: true, Amount: { } amount } && amount > bucket.Used)
        {
            buckets.Add(new Bucket
            {
                Id = $"{bucket.Id}/rollover/{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}",
                Kind = bucket.Kind,
                Unit = bucket.Unit,
                Amount = amount - bucket.Used,
                RatingGroups = bucket.RatingGroups,
                Zone = bucket.Zone,
                Reset = ResetPeriod.None,
                Priority = bucket.Priority,
                ExpiresAt = next,
                RolledOver = true,
            });
        }

        bucket.Refill(next);
    }

    private Reservation? Remove(string reservationId)
    {
        if (!reservations.Remove(reservationId, out var reservation))
        {
            return null;
        }

        foreach (var take in reservation.Grant.FromBuckets)
        {
            // A bucket that expired took its holds with it.
            Find(take.BucketId)?.Unhold(take.Units);
        }

        if (reservation.Grant.FromMoney is { } money)
        {
            Money.Unhold(money.Amount);
        }

        return reservation;
    }
}
