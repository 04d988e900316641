namespace Dialtone.Legacy;

/// <summary>Settings under <c>Dialtone:Legacy</c>.</summary>
internal sealed class LegacyOptions
{
    /// <summary>The legacy system's address (LegacySim in demo and tests); its export is <c>{BaseUrl}admin/export</c>.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5093/";

    /// <summary>Customers per batch: one transaction per module per batch (500–1,000 by the rule).</summary>
    public int ImportBatchSize { get; set; } = 1000;

    /// <summary>Where exports are spooled while a job runs; default <c>{DataDirectory}/legacy-imports</c>.</summary>
    public string SpoolDirectory { get; set; } = "";

    /// <summary>The largest uploaded export accepted, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The <c>Caller</c> system Dialtone's writes name (legacy's change feed tells Dialtone's changes by it).</summary>
    public string CallerSystem { get; set; } = "DIALTONE";

    /// <summary>The <c>Caller</c> user of Dialtone's writes.</summary>
    public string CallerUser { get; set; } = "svc-legacy";

    /// <summary>The legacy client's resilience pipeline.</summary>
    public LegacyAdapterOptions Adapter { get; set; } = new();

    /// <summary>How changes are propagated to legacy.</summary>
    public LegacyPropagationOptions Propagation { get; set; } = new();

    /// <summary>The change-feed sync from legacy (ADR 0018).</summary>
    public Features.Sync.LegacySyncOptions Sync { get; set; } = new();

    /// <summary>The reconciliation job (ADR 0018).</summary>
    public Features.Reconciliation.LegacyReconciliationOptions Reconciliation { get; set; } = new();

    /// <summary>How long a bill history read from legacy is served without asking legacy again (0: every read asks).</summary>
    public TimeSpan BillHistoryFreshFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>Retry-After</c> of a bill history read that legacy could not answer and nothing was cached for.</summary>
    public TimeSpan BillHistoryRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Timeouts, retries and the circuit breaker of calls to legacy (<c>Dialtone:Legacy:Adapter</c>).</summary>
internal sealed class LegacyAdapterOptions
{
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one call (after the first try) for no answer, a timeout or a <c>soap:Server</c> fault.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first retry's delay; each next one doubles, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Calls in the sampling window before the circuit may open.</summary>
    public int BreakAfterFailures { get; set; } = 5;

    /// <summary>The share of failed calls in the window that opens the circuit.</summary>
    public double BreakFailureRatio { get; set; } = 0.5;

    public TimeSpan BreakSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before it lets one through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Delivery of changes to legacy (<c>Dialtone:Legacy:Propagation</c>).</summary>
internal sealed class LegacyPropagationOptions
{
    /// <summary>
    /// Delays between delivery attempts of one change, the last repeated: while legacy is unreachable the change waits
    /// (an outage never dead-letters); while legacy refuses for a reason that may pass (busy, record locked) the attempts count.
    /// </summary>
    public List<TimeSpan> RetryDelays { get; set; } = [];

    /// <summary>Attempts that legacy refused (busy, locked, an unexpected answer) before a change goes to the dead letters.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How long a change of a person waits behind their staged erasure while the person is not erased: past it, the
    /// erasure request is taken as failed half-way and its erasure abandoned (never delivered unless the parties module
    /// announces the erasure after all), so the change is delivered.
    /// </summary>
    public TimeSpan ErasureRequestTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the propagation metrics (lag, queue depth, dead letters) are counted.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a change legacy received is kept (for following it by its trace id) before it is deleted.</summary>
    public TimeSpan DeliveredRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often changes past <see cref="DeliveredRetention"/> are deleted.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Count > 0
        ? RetryDelays
        : [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];
}
