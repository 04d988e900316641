namespace Dialtone.Bench.Charging;

/// <summary>Latencies in microseconds, kept whole and sorted once at the end: exact percentiles (a run holds at most a few million).</summary>
internal sealed class Latencies
{
    private long[] values = new long[1024];
    private bool sorted;

    public int Count { get; private set; }

    public void Record(long micros)
    {
        if (Count == values.Length)
        {
            Array.Resize(ref values, values.Length * 2);
        }

        values[Count++] = micros;
        sorted = false;
    }

    public void Add(Latencies other)
    {
        foreach (var value in other.values.AsSpan(0, other.Count))
        {
            Record(value);
        }
    }

    public double Mean
    {
        get
        {
            double sum = 0;
            foreach (var value in values.AsSpan(0, Count))
            {
                sum += value;
            }

            return Count == 0 ? 0 : sum / Count;
        }
    }

    public long Max => Percentile(100);

    /// <summary>The smallest recorded value that at least <paramref name="percentile"/> % of the values are at or below (nearest rank).</summary>
    public long Percentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        if (!sorted)
        {
            Array.Sort(values, 0, Count);
            sorted = true;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * Count);
        return values[Math.Clamp(rank, 1, Count) - 1];
    }
}
