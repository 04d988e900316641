namespace Dialtone.Ordering;

/// <summary>Settings of order fulfilment (<c>Dialtone:Ordering</c>); tests shrink the delays to milliseconds.</summary>
public sealed class OrderingOptions
{
    public const string Section = "Dialtone:Ordering";

    /// <summary>How many times a provisioning step is tried (each try already retried briefly by the adapter) before the order fails.</summary>
    public int MaxStepAttempts { get; set; } = 12;

    /// <summary>The wait after a failed try, doubled each time up to <see cref="MaxRetryDelay"/>: with the defaults an order waits about two hours for a down network.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How often waiting orders are checked for a due retry (the precision of the delays above).</summary>
    public TimeSpan RetryPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an order may wait (<c>pending</c>) for the customer's identity check: then it fails, and the numbers it
    /// reserved go back to the pool. Checked every <see cref="RetryPollingInterval"/>.
    /// </summary>
    public TimeSpan PendingIdentityTimeout { get; set; } = TimeSpan.FromDays(30);

    public NumberPoolOptions Numbers { get; set; } = new();

    /// <summary>The network provisioning system (subscriber records, services, fibre accesses).</summary>
    public ProvisioningEndpoint Network { get; set; } = new() { BaseUrl = "http://127.0.0.1:5091/" };

    /// <summary>The SM-DP+ that prepares eSIM profiles.</summary>
    public ProvisioningEndpoint Smdp { get; set; } = new() { BaseUrl = "http://127.0.0.1:5092/" };
}

/// <summary>Where a provisioning system answers and how patiently it is called (one try of an order step).</summary>
public sealed class ProvisioningEndpoint
{
    public string BaseUrl { get; set; } = "";

    /// <summary>The public address of the system as devices see it (the SM-DP+ address in activation codes).</summary>
    public string? PublicAddress { get; set; }

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public int Retries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many calls in 30 s (at least half failing) open the circuit.</summary>
    public int BreakAfterFailures { get; set; } = 10;

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The identifier ranges lines are given from. Defaults: MSISDNs in a fictional German range, IMSIs on the ITU test
/// network (MCC 001, MNC 01), ICCIDs with the ITU test issuer prefix.
/// </summary>
public sealed class NumberPoolOptions
{
    /// <summary>The first MSISDN of the range, E.164 with '+'.</summary>
    public string MsisdnFirst { get; set; } = "+4915550000000";

    public long MsisdnCount { get; set; } = 1_000_000;

    /// <summary>MCC + MNC of the IMSIs (001 01: the test network).</summary>
    public string ImsiPrefix { get; set; } = "00101";

    /// <summary>The ICCID prefix before the serial and the Luhn check digit (89 telecom, 882 test country code, issuer 01).</summary>
    public string IccidPrefix { get; set; } = "8988201";

    /// <summary>How long a number of a terminated line rests before it can be given out again.</summary>
    public int QuarantineMonths { get; set; } = 6;
}
