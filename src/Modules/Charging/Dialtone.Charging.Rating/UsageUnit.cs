namespace Dialtone.Charging.Rating;

/// <summary>What a bucket, a price or a request counts (ADR 0006): octets of data, seconds of voice, events such as SMS.</summary>
public enum UsageUnit
{
    /// <summary>Data volume; 1 MB is 10^6 octets.</summary>
    Octet,

    /// <summary>Time, e.g. a call's duration.</summary>
    Second,

    /// <summary>A countable event, e.g. one SMS.</summary>
    Event,
}
