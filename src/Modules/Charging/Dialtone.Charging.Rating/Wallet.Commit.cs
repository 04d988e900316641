namespace Dialtone.Charging.Rating;

public sealed partial class Wallet
{
    /// <summary>
    /// Settles used units (ADR 0011 §7): the reservation's holds are released, then the units are debited in consumption
    /// order from the buckets' available units, then charged with money per started unit of measure (the session's carry
    /// first) at the tier position of the moment. Usage beyond the grant, or with no open reservation, is rated the same
    /// way and never dropped: prepaid credit that cannot pay becomes debt, postpaid usage is billed even beyond the credit
    /// limit, and units no price rates are returned as unpriced. Debits + money-rated units + unpriced = units reported.
    /// </summary>
    /// <exception cref="InvalidOperationException">The reservation is open for another session or service.</exception>
    public Settlement Commit(UsageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfNegative(report.Units);
        Advance(report.Now);
        if (reservations.TryGetValue(report.ReservationId, out var open) && (open.SessionId != report.SessionId || open.Service != report.Service))
        {
            throw new InvalidOperationException($"Reservation '{report.ReservationId}' was granted to another session or service.");
        }

        var settled = Remove(report.ReservationId);
        var left = report.Units;
        var debits = new List<BucketTake>();
        var thresholds = new List<ThresholdCrossing>();
        foreach (var bucket in ConsumptionOrder.Of(buckets, report.Service))
        {
            var take = Math.Min(left, bucket.Available);
            if (take == 0)
            {
                continue;
            }

            var usedBefore = bucket.Used;
            bucket.Debit(take);
            debits.Add(new BucketTake(bucket.Id, take));
            thresholds.AddRange(Thresholds.Crossed(bucket, usedBefore));
            left -= take;
        }

        var price = left > 0 ? Tariff.For(report.Service) : null;
        var charge = price is null ? null : ChargeMoney(price, report, left);
        return new Settlement(report.ReservationId, settled is not null, report.Units, settled?.Grant.Granted ?? 0, debits, charge,
            Unpriced: price is null ? left : 0, thresholds);
    }

    /// <summary>Charges <paramref name="units"/> per started unit of measure, using the session's carry first and keeping the new one.</summary>
    private Charge ChargeMoney(UsagePrice price, UsageReport report, long units)
    {
        var key = (report.SessionId, report.Service.RatingGroup);
        var carry = carries.GetValueOrDefault(key);
        var fromCarry = Math.Min(units, carry);
        var priceUnits = price.Per.StartedBy(units - fromCarry);
        var carryLeft = carry - fromCarry + (priceUnits * price.Per.Size) - (units - fromCarry);
        if (carryLeft > 0)
        {
            carries[key] = carryLeft;
        }
        else
        {
            carries.Remove(key);
        }

        var position = ChargedThisCycle(price.Id);
        var amount = price.Cost(position, priceUnits);
        if (priceUnits > 0)
        {
            chargedThisCycle[price.Id] = position + priceUnits;
        }

        return new Charge(price.Id, price.Currency, units, priceUnits, amount, Money.Charge(amount));
    }
}
