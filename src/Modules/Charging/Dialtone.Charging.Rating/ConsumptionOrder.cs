namespace Dialtone.Charging.Rating;

/// <summary>Which bucket pays first (ADR 0011 §2).</summary>
public static class ConsumptionOrder
{
    /// <summary>
    /// The buckets that serve <paramref name="service"/>, in the order they pay: by kind (add-on, plan, shared pool),
    /// then earliest expiry (never last), rolled-over units before fresh ones, the catalog's priority, and the id.
    /// </summary>
    public static IEnumerable<Bucket> Of(IEnumerable<Bucket> buckets, RatedService service) => buckets
        .Where(bucket => bucket.Serves(service))
        .OrderBy(bucket => bucket.Kind)
        .ThenBy(bucket => bucket.UnitsExpireAt ?? DateTimeOffset.MaxValue)
        .ThenByDescending(bucket => bucket.RolledOver)
        .ThenBy(bucket => bucket.Priority)
        .ThenBy(bucket => bucket.Id, StringComparer.Ordinal);
}
