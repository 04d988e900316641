namespace Dialtone.Charging.Rating;

/// <summary>Which bucket pays first (ADR 0011 §2).</summary>
public static class ConsumptionOrder
{
    /// <summary>
    /// The buckets that serve <paramref name="service"/>, in the order they pay: by kind (add-on, plan, shared pool),
    /// then earliest expiry (never last), rolled-over units before fresh ones, the catalog's priority, and the id.
    /// </summary>
    /// <remarks>
    /// A list sorted in place with one comparison rather than a chain of ordered LINQ iterators: it runs on every reserve
    /// and settle, and the chain's iterators, key arrays and closures were most of a rating call's allocations. Ids are
    /// unique in a wallet, so the order is total and an unstable sort gives the one order.
    /// </remarks>
    public static List<Bucket> Of(IEnumerable<Bucket> buckets, RatedService service)
    {
        var serving = new List<Bucket>();
        foreach (var bucket in buckets)
        {
            if (bucket.Serves(service))
            {
                serving.Add(bucket);
            }
        }

        serving.Sort(PayingOrder);
        return serving;
    }

    private static readonly Comparison<Bucket> PayingOrder = static (a, b) =>
    {
        var order = Comparer<BucketKind>.Default.Compare(a.Kind, b.Kind);
        if (order == 0)
        {
            order = (a.UnitsExpireAt ?? DateTimeOffset.MaxValue).CompareTo(b.UnitsExpireAt ?? DateTimeOffset.MaxValue);
        }

        if (order == 0)
        {
            order = b.RolledOver.CompareTo(a.RolledOver);
        }

        if (order == 0)
        {
            order = a.Priority.CompareTo(b.Priority);
        }

        return order != 0 ? order : string.CompareOrdinal(a.Id, b.Id);
    };
}
