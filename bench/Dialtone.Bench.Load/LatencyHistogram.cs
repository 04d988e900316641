using System.Numerics;

namespace Dialtone.Bench.Load;

/// <summary>
/// Latencies in microseconds, HdrHistogram-style: exact below 256 µs, then 128 sub-buckets per power of two,
/// so any recorded value is reported within 0.8 % of itself. Fixed size (about 5,400 longs), no allocation per record,
/// one per worker (not thread-safe) and merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBucketCount = 1 << SubBucketBits;
    private const int LinearLimit = 2 * SubBucketCount;
    private const int MaxShift = 40;
    private const long MaxTrackable = (1L << (MaxShift + SubBucketBits + 1)) - 1;

    private readonly long[] _counts = new long[LinearLimit + (MaxShift * SubBucketCount)];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public double Mean => Count == 0 ? 0 : (double)_sum / Count;

    private long _sum;

    public void Record(long micros)
    {
        micros = Math.Clamp(micros, 0, MaxTrackable);
        _counts[IndexOf(micros)]++;
        Count++;
        _sum += micros;
        Max = Math.Max(Max, micros);
        Min = Math.Min(Min, micros);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sum += other._sum;
        Max = Math.Max(Max, other.Max);
        Min = Math.Min(Min, other.Min);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of the recorded values lie (upper edge of its bucket, capped at the max).</summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalent(i), Max);
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - SubBucketBits;
        return LinearLimit + ((shift - 1) * SubBucketCount) + (int)((value >> shift) - SubBucketCount);
    }

    private static long HighestEquivalent(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var shift = ((index - LinearLimit) / SubBucketCount) + 1;
        long sub = ((index - LinearLimit) % SubBucketCount) + SubBucketCount;
        return ((sub + 1) << shift) - 1;
    }
}
