using System.Diagnostics.Metrics;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>
/// The <c>Dialtone.Legacy</c> meter: sync lag, queue depth, dead letters, circuit state, what deliveries did, and the
/// import's rows, customers, rejections and rate. Made
/// by the host's <see cref="IMeterFactory"/>, so each host (and each test app in one process) has its own instruments.
/// </summary>
internal sealed class LegacyMetrics
{
    public const string MeterName = "Dialtone.Legacy";

    private long pending;
    private double lagSeconds;
    private long deadLetters;

    public LegacyMetrics(IMeterFactory meters, LegacyCircuit circuit)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("dialtone.legacy.sync.lag", () => Volatile.Read(ref lagSeconds), unit: "s",
            description: "Age of the oldest change not yet propagated to legacy.");
        meter.CreateObservableGauge("dialtone.legacy.propagation.queue_depth", () => Interlocked.Read(ref pending), unit: "{change}",
            description: "Changes waiting to be propagated to legacy.");
        meter.CreateObservableGauge("dialtone.legacy.propagation.dead_letters", () => Interlocked.Read(ref deadLetters), unit: "{change}",
            description: "Changes dead-lettered and not replayed.");
        meter.CreateObservableGauge("dialtone.legacy.circuit.state", () => (int)circuit.State,
            description: "The legacy client's circuit breaker: 0 closed, 1 open, 2 half-open.");
        Delivered = meter.CreateCounter<long>("dialtone.legacy.propagation.delivered", unit: "{change}", description: "Changes delivered to legacy.");
        DeadLettered = meter.CreateCounter<long>("dialtone.legacy.propagation.dead_lettered", unit: "{change}", description: "Changes moved to the dead letters.");
        Conflicts = meter.CreateCounter<long>("dialtone.legacy.propagation.conflicts", unit: "{field}",
            description: "Legacy values edited in legacy and overwritten by the master rule.");
        ImportedRows = meter.CreateCounter<long>("dialtone.legacy.import.rows", unit: "{row}",
            description: "Rows of legacy exports loaded by import jobs (their rate is the import rate).");
        ImportedCustomers = meter.CreateCounter<long>("dialtone.legacy.import.customers", unit: "{customer}",
            description: "Customers loaded by import jobs (after de-duplication), created or found.");
        RejectedRows = meter.CreateCounter<long>("dialtone.legacy.import.rejected", unit: "{row}",
            description: "Rows and lines import jobs rejected into their error reports.");
        meter.CreateObservableGauge("dialtone.legacy.import.rate", () => Volatile.Read(ref importRate), unit: "{row}/s",
            description: "Rows per second of the running import job's last batch; 0 when no job runs.");
    }

    private double importRate;

    public Counter<long> Delivered { get; }

    public Counter<long> DeadLettered { get; }

    public Counter<long> Conflicts { get; }

    public Counter<long> ImportedRows { get; }

    public Counter<long> ImportedCustomers { get; }

    public Counter<long> RejectedRows { get; }

    /// <summary>An import batch was committed: counts what it loaded and the rate of its rows.</summary>
    public void ImportBatch(long rows, long customers, long rejected, TimeSpan took)
    {
        ImportedRows.Add(rows);
        ImportedCustomers.Add(customers);
        if (rejected > 0)
        {
            RejectedRows.Add(rejected);
        }

        Volatile.Write(ref importRate, took > TimeSpan.Zero ? Math.Round(rows / took.TotalSeconds, 1) : 0);
    }

    /// <summary>No import job is running any more.</summary>
    public void ImportStopped() => Volatile.Write(ref importRate, 0);

    public void Observe(PropagationStatus status)
    {
        Interlocked.Exchange(ref pending, status.Pending);
        Volatile.Write(ref lagSeconds, status.SyncLagSeconds);
        Interlocked.Exchange(ref deadLetters, status.DeadLetters);
    }

    public static async Task<PropagationStatus> CountAsync(LegacyDbContext db, LegacyCircuit source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pendingCount = await db.Changes.CountAsync(c => c.State == LegacyChangeStates.Pending, cancellationToken);
        var oldest = await db.Changes.Where(c => c.State == LegacyChangeStates.Pending).OrderBy(c => c.ChangedAt).Select(c => (DateTimeOffset?)c.ChangedAt).FirstOrDefaultAsync(cancellationToken);
        var dead = await db.Changes.CountAsync(c => c.State == LegacyChangeStates.DeadLettered, cancellationToken);
        var delivered = await db.Changes.CountAsync(c => c.State == LegacyChangeStates.Delivered, cancellationToken);
        var abandoned = await db.Changes.CountAsync(c => c.State == LegacyChangeStates.Abandoned, cancellationToken);
        var lag = oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
        return new PropagationStatus(pendingCount, lag, dead, delivered, source.State switch
        {
            LegacyCircuitState.Open => "open",
            LegacyCircuitState.HalfOpen => "halfOpen",
            _ => "closed",
        }, abandoned);
    }
}

/// <summary>Counts the propagation gauges every <c>Dialtone:Legacy:Propagation:MetricsInterval</c>.</summary>
internal sealed class LegacyPropagationMonitor(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, LegacyCircuit circuit,
    LegacyMetrics metrics, IOptions<LegacyOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await readiness.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Propagation.MetricsInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                metrics.Observe(await LegacyMetrics.CountAsync(scope.ServiceProvider.GetRequiredService<LegacyDbContext>(), circuit, clock.GetUtcNow(), stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database that is briefly unavailable leaves the last counts in place; the next tick tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
