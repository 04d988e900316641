namespace Dialtone.Platform;

/// <summary>The settings under <c>Dialtone</c>; every one can be set by environment variable (<c>Dialtone__Database__Provider</c>).</summary>
public sealed class DialtoneOptions
{
    public const string Section = "Dialtone";

    /// <summary>Where the embedded databases live, relative to the working directory unless absolute.</summary>
    public string DataDirectory { get; set; } = "data";

    public DatabaseOptions Database { get; set; } = new();

    /// <summary>Loads the demo catalog, staff, clients and subscribers on first start.</summary>
    public bool SeedDemoData { get; set; } = true;

    /// <summary>How many demo subscribers sign up on first start (demo mode only).</summary>
    public int DemoSubscribers { get; set; } = 300;

    /// <summary>Public base URL used for absolute <c>href</c>s when set; otherwise the request's own scheme and host.</summary>
    public string? PublicBaseUrl { get; set; }

    public HubOptions Hub { get; set; } = new();

    public IdempotencyOptions Idempotency { get; set; } = new();

    public ReadCacheOptions ReadCache { get; set; } = new();

    public PersonalDataOptions PersonalData { get; set; } = new();
}

public sealed class PersonalDataOptions
{
    /// <summary>Where the keys that protect personal data live; default <c>{DataDirectory}/keys/personal-data</c>. Never inside the database; shared by every node.</summary>
    public string? KeyDirectory { get; set; }
}

public sealed class ReadCacheOptions
{
    /// <summary>How long a document read by id is served from memory; a write on this node invalidates it at once. Zero turns the cache off.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many documents are kept.</summary>
    public long MaxEntries { get; set; } = 100_000;
}

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class HubOptions
{
    /// <summary>Hosts a hub callback may point at. Empty means no callback is accepted; <c>*</c> allows any host (never in production).</summary>
    public List<string> AllowedCallbackHosts { get; set; } = [];

    /// <summary>The production waits between delivery attempts: 1 s, 5 s, 30 s, 2 min, 10 min.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
    ];

    /// <summary>
    /// Waits between delivery attempts; after the last one the event goes to the dead letters. Empty means
    /// <see cref="DefaultRetryDelays"/> (configuration binding appends to a list, so the defaults are not pre-filled).
    /// </summary>
    public List<TimeSpan> RetryDelays { get; set; } = [];

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Count > 0 ? RetryDelays : DefaultRetryDelays;

    /// <summary>
    /// Consecutive failed attempts after which a listener's circuit opens: while open, its deliveries go straight to the
    /// dead letters (replayable) instead of holding the queue they share with other listeners.
    /// </summary>
    public int BreakAfterFailures { get; set; } = 3;

    /// <summary>How long a listener's open circuit stays open before deliveries are tried again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one callback POST may take.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the durable store is polled for messages to recover (Wolverine's durability agent).</summary>
    public TimeSpan RecoveryPollingInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class IdempotencyOptions
{
    /// <summary>How long a key and its first response are kept.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a claimed key that never completed (its request crashed) blocks a retry.</summary>
    public TimeSpan InProgressLease { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);
}
