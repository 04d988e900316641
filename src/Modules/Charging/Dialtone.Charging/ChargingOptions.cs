namespace Dialtone.Charging;

/// <summary>Settings of real-time charging (<c>Dialtone:Charging</c>).</summary>
public sealed class ChargingOptions
{
    public const string Section = "Dialtone:Charging";

    /// <summary>The port of the SBI that speaks HTTP/2 cleartext with prior knowledge (h2c), as SMFs do; 0 for none.</summary>
    public int SbiPort { get; set; } = 5081;

    /// <summary>
    /// Where the SBI port listens: <c>localhost</c>, or <c>*</c> on every interface. In production bind it only to the
    /// core network's service-based interface: without <see cref="SbiRequiresToken"/> it trusts that network, as TS 32.291's
    /// security requirement <c>{}</c> allows.
    /// </summary>
    public string SbiAddress { get; set; } = "localhost";

    /// <summary>Whether callers on the SBI port need a token too (role <c>network</c>, scope <c>nchf-convergedcharging</c>), as on the main port.</summary>
    public bool SbiRequiresToken { get; set; }

    /// <summary>The silo's port for its peers; 0 picks a free one (tests).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The silo's gateway port for Orleans clients in other processes; 0 (the default) opens none: the callers are in this process.</summary>
    public int GatewayPort { get; set; }

    /// <summary>How long a grant may be used at most (<c>validityTime</c>); the wallet cuts it at resets and expiries.</summary>
    public TimeSpan QuotaValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the consumer may hold unused quota without traffic (<c>quotaHoldingTime</c>).</summary>
    public TimeSpan QuotaHoldingTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>What is granted when <c>requestedUnit</c> names no amount: data in octets.</summary>
    public long DefaultDataQuota { get; set; } = 10_000_000;

    /// <summary>
    /// How long an ended session's tombstone answers a retransmitted release or create (TS 32.291 leaves it to the CHF).
    /// An SMF retransmits within its response timer (seconds) or after a failover; 10 minutes covers both, and every
    /// tombstone is rewritten with each of the account's writes, so a longer retention costs throughput (bench/README).
    /// </summary>
    public TimeSpan ReleasedSessionRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most ended sessions' tombstones an account keeps (the newest), whatever their age: a line that opens sessions
    /// faster than one every 20 s keeps them for less than <see cref="ReleasedSessionRetention"/>, and its state (written
    /// whole with every request) stays bounded. A release retransmitted after its tombstone went is 404.
    /// </summary>
    public int ReleasedSessionsKept { get; set; } = 32;

    /// <summary>An open session with no request for this long is closed (its consumer is gone); its reservations are released.</summary>
    public TimeSpan StaleSessionTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The largest Nchf request body, in bytes.</summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>How often an Nchf notification is tried before it is given up (the consumer asks again when its quota expires).</summary>
    public int NotifyAttempts { get; set; } = 3;

    /// <summary>How long one try of an Nchf notification may take.</summary>
    public TimeSpan NotifyTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait before the second try of a notification (doubling after).</summary>
    public TimeSpan NotifyRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest amount an agent or admin credits in one top-up, in the line's currency.</summary>
    public decimal MaxTopUp { get; set; } = 500;

    /// <summary>
    /// Hosts a charging session's <c>notifyUri</c> may name (the SMFs and other consumers of the core network; <c>*</c>
    /// allows any): a create naming another host is refused, so a consumer cannot aim Dialtone's notifications at the
    /// operator's internal network (SSRF), and a notification is sent only while its host is still on the list (read at
    /// each create and each send, so a configuration reload takes effect at once). None by default; Development allows
    /// localhost and 127.0.0.1.
    /// </summary>
    public List<string> AllowedNotifyHosts { get; set; } = [];
}
