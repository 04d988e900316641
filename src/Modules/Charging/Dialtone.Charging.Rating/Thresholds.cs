namespace Dialtone.Charging.Rating;

/// <summary>The notification thresholds of an allowance, measured on used units (ADR 0011 §9).</summary>
public static class Thresholds
{
    /// <summary>The percentages of an allowance's amount that are reported when used units reach them.</summary>
    public static readonly IReadOnlyList<int> Percents = [80, 100];

    /// <summary>The thresholds a debit took <paramref name="bucket"/> across, from <paramref name="usedBefore"/> to its used units now.</summary>
    internal static IEnumerable<ThresholdCrossing> Crossed(Bucket bucket, long usedBefore)
    {
        if (bucket.RolledOver || bucket.Amount is not { } amount || amount == 0)
        {
            yield break;
        }

        foreach (var percent in Percents)
        {
            if (usedBefore * 100 < percent * amount && bucket.Used * 100 >= percent * amount)
            {
                yield return new ThresholdCrossing(bucket.Id, percent, bucket.Used, amount);
            }
        }
    }
}
