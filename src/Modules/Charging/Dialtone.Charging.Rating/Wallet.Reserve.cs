namespace Dialtone.Charging.Rating;

public sealed partial class Wallet
{
    /// <summary>
    /// Reserves quota (ADR 0011 §6): from the serving buckets in consumption order, then with money in whole units of
    /// measure (the session's carry first), never more than asked or available; a partial grant when less is left, with
    /// the final unit indication when nothing more could be granted. Reserving again with an open reservation's id returns
    /// its grant unchanged. A zero grant holds nothing and is not kept.
    /// </summary>
    /// <exception cref="InvalidOperationException">The id is open for another request, or the session already holds a reservation for the rating group.</exception>
    public Grant Reserve(ReserveRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Units, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Validity, TimeSpan.Zero);
        Advance(request.Now);
        if (reservations.TryGetValue(request.ReservationId, out var open))
        {
            return open.Answers(request)
                ? open.Grant
                : throw new InvalidOperationException($"Reservation '{request.ReservationId}' is open for another request.");
        }

        if (reservations.Values.Any(r => r.SessionId == request.SessionId && r.Service.RatingGroup == request.Service.RatingGroup))
        {
            throw new InvalidOperationException(
                $"Session '{request.SessionId}' already holds a reservation for rating group {request.Service.RatingGroup}: settle or release it first.");
        }

        var serving = ConsumptionOrder.Of(buckets, request.Service);
        var wanted = request.Units;
        var takes = new List<BucketTake>();
        foreach (var bucket in serving.TakeWhile(_ => wanted > 0))
        {
            var take = Math.Min(wanted, bucket.Available);
            if (take > 0)
            {
                takes.Add(new BucketTake(bucket.Id, take));
                wanted -= take;
            }
        }

        var price = Tariff.For(request.Service);
        var carry = Carry(request.SessionId, request.Service.RatingGroup);
        var money = price is not null && wanted > 0 ? MoneyFor(price, wanted, carry) : null;
        var paidButNotGranted = money is null ? carry : carry + (money.PriceUnits * price!.Per.Size) - money.Units;

        takes.ForEach(take => Find(take.BucketId)!.Hold(take.Units));
        if (money is not null)
        {
            Money.Hold(money.Amount);
        }

        var granted = takes.Sum(take => take.Units) + (money?.Units ?? 0);
        var outcome = granted > 0 ? GrantOutcome.Granted
            : serving.Count > 0 || price is not null ? GrantOutcome.Exhausted
            : GrantOutcome.NotOffered;
        var more = CanGrantMore(serving, price, paidButNotGranted, price is null ? 0 : PositionOf(price) + (money?.PriceUnits ?? 0));
        var grant = new Grant(request.ReservationId, outcome, request.Units, granted, !more, ValidUntil(request, takes, money, granted), takes, money);
        if (granted > 0)
        {
            reservations.Add(request.ReservationId,
                new Reservation(request.ReservationId, request.SessionId, request.Service, grant, grant.ValidUntil + Reservation.Grace));
        }

        return grant;
    }

    /// <summary>What money can hold for <paramref name="wanted"/> units: the carry, then the started units of measure the spendable money pays for.</summary>
    private MoneyHold? MoneyFor(UsagePrice price, long wanted, long carry)
    {
        var fromCarry = Math.Min(wanted, carry);
        var rest = wanted - fromCarry;
        var position = PositionOf(price);
        var priceUnits = price.Per.StartedBy(rest);
        if (Money.Spendable is { } budget)
        {
            priceUnits = price.Affordable(position, priceUnits, budget);
        }

        var units = fromCarry + Math.Min(rest, priceUnits * price.Per.Size);
        return units > 0 ? new MoneyHold(price.Id, units, priceUnits, price.Cost(position, priceUnits)) : null;
    }

    /// <summary>The tier position a new reservation is priced from: units charged this cycle plus those open reservations hold at the price.</summary>
    private long PositionOf(UsagePrice price) =>
        ChargedThisCycle(price.Id) + reservations.Values.Sum(r => r.Grant.FromMoney is { } money && money.PriceId == price.Id ? money.PriceUnits : 0);

    /// <summary>Whether a further request could be granted anything: a bucket with units, paid units of measure not yet granted, or money for one more.</summary>
    private bool CanGrantMore(IEnumerable<Bucket> serving, UsagePrice? price, long paidButNotGranted, long position) =>
        serving.Any(bucket => bucket.Available > 0)
        || (price is not null && (paidButNotGranted > 0 || Money.Spendable is not { } budget || price.Affordable(position, 1, budget) > 0));

    /// <summary>The requested validity, cut at the next reset or expiry of any bucket held from, and at the cycle's end when money is held.</summary>
    private DateTimeOffset ValidUntil(ReserveRequest request, IEnumerable<BucketTake> takes, MoneyHold? money, long granted)
    {
        if (granted == 0)
        {
            return request.Now;
        }

        // The earliest of: the validity asked for, the end of the cycle when money holds units, each bucket's units' expiry.
        var end = request.Now + request.Validity;
        if (money is not null && CycleEnd < end)
        {
            end = CycleEnd;
        }

        foreach (var take in takes)
        {
            if (Find(take.BucketId)!.UnitsExpireAt is { } expires && expires < end)
            {
                end = expires;
            }
        }

        return end;
    }
}
