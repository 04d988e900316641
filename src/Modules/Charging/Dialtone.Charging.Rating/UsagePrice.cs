namespace Dialtone.Charging.Rating;

/// <summary>
/// One tier of a usage price (ADR 0006): the price of one unit of measure for the units counted from
/// <paramref name="From"/> (inclusive) to <paramref name="To"/> (exclusive; null on the last tier). A flat price is one
/// tier from 0.
/// </summary>
/// <param name="From">The catalog's <c>tierFrom</c>, in units of measure.</param>
/// <param name="To">The catalog's <c>tierTo</c>, in units of measure; null when open-ended.</param>
/// <param name="Amount">The price of one unit of measure in this tier.</param>
public sealed record PriceTier(long From, long? To, decimal Amount);

/// <summary>
/// A usage price of the account's products (a usage <c>InventoryPrice</c>): what one started unit of measure costs for the
/// rating groups it prices, graduated over its tiers, whose counts run per bill cycle (ADR 0011 §5).
/// </summary>
public sealed class UsagePrice
{
    /// <summary>A price with tiers; they start at 0, join up, and only the last is open-ended.</summary>
    /// <exception cref="ArgumentException">The tiers do not join up, or a price is negative.</exception>
    public UsagePrice(string id, IReadOnlyList<int> ratingGroups, string currency, UnitOfMeasure per, IReadOnlyList<PriceTier> tiers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        ArgumentNullException.ThrowIfNull(ratingGroups);
        ArgumentNullException.ThrowIfNull(tiers);
        Id = id;
        RatingGroups = ratingGroups;
        Currency = currency;
        Per = per;
        Tiers = [.. tiers.OrderBy(tier => tier.From)];
        EnsureTiersJoinUp();
    }

    /// <summary>The catalog's <c>ProductOfferingPrice</c> id.</summary>
    public string Id { get; }

    /// <summary>The rating groups it prices.</summary>
    public IReadOnlyList<int> RatingGroups { get; }

    /// <summary>ISO 4217.</summary>
    public string Currency { get; }

    /// <summary>The unit of measure one price applies to.</summary>
    public UnitOfMeasure Per { get; }

    /// <summary>The tiers, by <see cref="PriceTier.From"/>.</summary>
    public IReadOnlyList<PriceTier> Tiers { get; }

    /// <summary>A price without tiers.</summary>
    public static UsagePrice Flat(string id, IReadOnlyList<int> ratingGroups, string currency, decimal amount, UnitOfMeasure per) =>
        new(id, ratingGroups, currency, per, [new PriceTier(0, null, amount)]);

    /// <summary>Whether it prices usage of <paramref name="service"/>.</summary>
    public bool Prices(RatedService service) => service.Unit == Per.Unit && RatingGroups.Contains(service.RatingGroup);

    /// <summary>
    /// What <paramref name="units"/> units of measure cost when <paramref name="position"/> units were already charged in the
    /// cycle: each unit at the price of the tier it falls in, the sum rounded once (<see cref="Money.Round"/>).
    /// </summary>
    public decimal Cost(long position, long units)
    {
        var end = position + units;
        var sum = 0m;
        foreach (var tier in Tiers)
        {
            var from = Math.Max(position, tier.From);
            var to = Math.Min(end, tier.To ?? long.MaxValue);
            if (to > from)
            {
                sum += (to - from) * tier.Amount;
            }
        }

        return Money.Round(sum);
    }

    /// <summary>The most units of measure, up to <paramref name="units"/>, that <paramref name="budget"/> pays for from <paramref name="position"/>.</summary>
    public long Affordable(long position, long units, decimal budget)
    {
        var count = 0L;
        var left = budget;
        foreach (var tier in Tiers)
        {
            var at = position + count;
            if (count == units)
            {
                break;
            }

            if (at >= (tier.To ?? long.MaxValue))
            {
                continue;
            }

            var room = Math.Min(units - count, (tier.To ?? long.MaxValue) - at);
            var take = tier.Amount == 0 || left / tier.Amount >= room ? room : (long)decimal.Floor(left / tier.Amount);
            count += take;
            left -= take * tier.Amount;
            if (take < room)
            {
                break;
            }
        }

        // A sum of prices finer than Money.Decimals may round up past the budget.
        while (count > 0 && Cost(position, count) > budget)
        {
            count--;
        }

        return count;
    }

    private void EnsureTiersJoinUp()
    {
        if (Tiers.Count == 0 || Tiers[0].From != 0)
        {
            throw new ArgumentException($"Price '{Id}': the first tier starts at 0.");
        }

        for (var i = 0; i < Tiers.Count; i++)
        {
            var tier = Tiers[i];
            var last = i == Tiers.Count - 1;
            if (tier.Amount < 0 || (last ? tier.To is not null : tier.To != Tiers[i + 1].From || tier.To <= tier.From))
            {
                throw new ArgumentException($"Price '{Id}': tiers cost 0 or more, each ends where the next starts, and only the last is open-ended.");
            }
        }
    }
}
