using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialtone.Platform.Persistence;

/// <summary>The module DbContexts whose migrations the host applies at start.</summary>
public sealed class ModuleDatabases
{
    private readonly List<Type> contexts = [];

    public IReadOnlyList<Type> Contexts => contexts;

    public void Add(Type context)
    {
        if (!context.IsAssignableTo(typeof(Microsoft.EntityFrameworkCore.DbContext)))
        {
            throw new ArgumentException($"{context} is not a DbContext.", nameof(context));
        }

        contexts.Add(context);
    }
}

/// <summary>
/// Applies every module's EF Core migrations before the host serves requests. On PostgreSQL, nodes starting together
/// take turns through an advisory lock: EF Core's own migration lock did not stop two nodes from both applying a
/// second migration of one module (measured: "column already exists").
/// </summary>
public sealed partial class DatabaseMigrator(IServiceProvider services, ModuleDatabases modules, DatabaseReadiness readiness, DialtoneDatabase database, ILogger<DatabaseMigrator> logger)
    : IHostedService
{
    private const long MigrationLock = 0x4469616C4D;

    // Hosts in one process (test apps started in parallel) share EF Core's internal service provider per context type and
    // provider, and with it the migrations' model snapshot, which MigrateAsync finalizes on first use without a lock: two
    // hosts migrating the same context at once failed "The model must be finalized ... before 'GetRelationalModel'".
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var migrationLock = await StartupLock.AcquireAsync(database, MigrationLock, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        foreach (var type in modules.Contexts)
        {
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(type);
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                LogMigrating(logger, type.Name, pending.Count);
                await InProcess.WaitAsync(cancellationToken);
                try
                {
                    await context.Database.MigrateAsync(cancellationToken);
                }
                finally
                {
                    InProcess.Release();
                }
            }

            if (context is ModuleDbContext)
            {
                await Audit.AppendOnly.EnsureAsync(context, cancellationToken);
            }
        }

        readiness.MarkMigrated();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) of {Context}")]
    private static partial void LogMigrating(ILogger logger, string context, int count);
}

/// <summary>
/// Whether the database has been migrated and the reference data loaded; the readiness probe waits for both. Also orders
/// start-up data: reference data first.
/// </summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource referenceDataLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int referenceDataPending;
    private volatile bool migrated;

    /// <summary>
    /// A seeder of reference data (the demo catalog, roles and clients) says so when it is constructed, and completes
    /// the ticket when it is done (loaded, skipped or failed): seeders of customer data wait for all of them, so a
    /// newcomer finds the catalog seconds after start, not after hundreds of demo sign-ups.
    /// </summary>
    public Action RegisterReferenceDataSeeder()
    {
        Interlocked.Increment(ref referenceDataPending);
        var done = 0;
        return () =>
        {
            if (Interlocked.Exchange(ref done, 1) == 0 && Interlocked.Decrement(ref referenceDataPending) == 0)
            {
                referenceDataLoaded.TrySetResult();
            }
        };
    }

    /// <summary>Completes when every registered reference-data seeder is done (at once when there is none).</summary>
    public Task WhenReferenceDataLoadedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref referenceDataPending) == 0 ? Task.CompletedTask : referenceDataLoaded.Task.WaitAsync(cancellationToken);

    public bool IsMigrated => migrated;

    /// <summary>Whether every registered reference-data seeder is done (the readiness probe waits for it).</summary>
    public bool IsReferenceDataLoaded => Volatile.Read(ref referenceDataPending) == 0;

    public void MarkMigrated() => migrated = true;

    /// <summary>
    /// For start-up work that writes (seeding): waits until the host has started, then says whether the database was
    /// migrated (false when migrating failed, so there is nothing to write into).
    /// </summary>
    public async Task<bool> WhenStartedAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(cancellationToken);
        }

        return migrated;
    }
}
