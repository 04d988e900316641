using System.Diagnostics.Metrics;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>The <c>Dialtone.Legacy</c> meter: sync lag, queue depth, dead letters, circuit state, and what deliveries did.</summary>
internal static class LegacyMetrics
{
    public static readonly Meter Meter = new("Dialtone.Legacy");

    private static long pending;
    private static double lagSeconds;
    private static long deadLetters;
    private static Func<LegacyCircuitState> circuit = () => LegacyCircuitState.Closed;

    /// <summary>The age of the oldest change legacy has not yet received (0 when none): how far legacy is behind.</summary>
    public static readonly ObservableGauge<double> SyncLag = Meter.CreateObservableGauge(
        "dialtone.legacy.sync.lag", () => Volatile.Read(ref lagSeconds), unit: "s", description: "Age of the oldest change not yet propagated to legacy.");

    /// <summary>Changes waiting to be delivered (not dead letters).</summary>
    public static readonly ObservableGauge<long> QueueDepth = Meter.CreateObservableGauge(
        "dialtone.legacy.propagation.queue_depth", () => Interlocked.Read(ref pending), unit: "{change}", description: "Changes waiting to be propagated to legacy.");

    /// <summary>Changes in the dead-letter queue, waiting for an operator.</summary>
    public static readonly ObservableGauge<long> DeadLetterCount = Meter.CreateObservableGauge(
        "dialtone.legacy.propagation.dead_letters", () => Interlocked.Read(ref deadLetters), unit: "{change}", description: "Changes dead-lettered and not replayed.");

    /// <summary>The legacy client's circuit: 0 closed, 1 open, 2 half-open.</summary>
    public static readonly ObservableGauge<int> CircuitState = Meter.CreateObservableGauge(
        "dialtone.legacy.circuit.state", () => (int)circuit(), description: "The legacy client's circuit breaker: 0 closed, 1 open, 2 half-open.");

    public static readonly Counter<long> Delivered = Meter.CreateCounter<long>("dialtone.legacy.propagation.delivered", unit: "{change}", description: "Changes delivered to legacy.");

    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("dialtone.legacy.propagation.dead_lettered", unit: "{change}", description: "Changes moved to the dead letters.");

    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("dialtone.legacy.propagation.conflicts", unit: "{field}", description: "Legacy values edited in legacy and overwritten by the master rule.");

    public static void Observe(PropagationStatus status)
    {
        Interlocked.Exchange(ref pending, status.Pending);
        Volatile.Write(ref lagSeconds, status.SyncLagSeconds);
        Interlocked.Exchange(ref deadLetters, status.DeadLetters);
    }

    public static void ObserveCircuit(LegacyCircuit source) => circuit = () => source.State;

    public static async Task<PropagationStatus> CountAsync(LegacyDbContext db, LegacyCircuit source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pendingCount = await db.Changes.CountAsync(c => c.State == LegacyChangeStates.Pending, cancellationToken);
        var oldest = await db.Changes.Where(c => c.State == LegacyChangeStates.Pending).OrderBy(c => c.ChangedAt).Select(c => (DateTimeOffset?)c.ChangedAt).FirstOrDefaultAsync(cancellationToken);
        var dead = await db.Changes.CountAsync(c => c.State == LegacyChangeStates.DeadLettered, cancellationToken);
        var delivered = await db.Changes.CountAsync(c => c.State == LegacyChangeStates.Delivered, cancellationToken);
        var lag = oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
        return new PropagationStatus(pendingCount, lag, dead, delivered, source.State switch
        {
            LegacyCircuitState.Open => "open",
            LegacyCircuitState.HalfOpen => "halfOpen",
            _ => "closed",
        });
    }
}

/// <summary>Counts the propagation gauges every <c>Dialtone:Legacy:Propagation:MetricsInterval</c>.</summary>
internal sealed class LegacyPropagationMonitor(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, LegacyCircuit circuit,
    IOptions<LegacyOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LegacyMetrics.ObserveCircuit(circuit);
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
                LegacyMetrics.Observe(await LegacyMetrics.CountAsync(scope.ServiceProvider.GetRequiredService<LegacyDbContext>(), circuit, clock.GetUtcNow(), stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database that is briefly unavailable leaves the last counts in place; the next tick tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
