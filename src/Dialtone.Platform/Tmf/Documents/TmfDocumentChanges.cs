using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>
/// Keeps the read cache honest whatever path writes a document (an endpoint, a message handler, seeding, an erasure):
/// the documents a SaveChanges touches are remembered, and forgotten by the cache once they are committed — at once
/// without a transaction, at the commit with one (a list read between the save and the commit must not be cached as new).
/// </summary>
internal sealed class TmfDocumentChanges : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public static readonly TmfDocumentChanges Instance = new();

    private readonly ConditionalWeakTable<DbContext, List<(string Resource, string Id)>> pending = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ApplyUnlessInTransaction(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ApplyUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Apply(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>Documents written outside change tracking (<see cref="TmfDocumentBulk"/>) inside <paramref name="context"/>'s transaction: forgotten by the cache at its commit.</summary>
    public void Remember(DbContext context, IReadOnlyList<(string Resource, string Id)> written)
    {
        if (written.Count > 0)
        {
            lock (pending)
            {
                pending.GetOrCreateValue(context).AddRange(written);
            }
        }
    }

    private void Remember(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var changed = context.ChangeTracker.Entries<TmfDocument>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => (e.Entity.ResourceType, e.Entity.Id))
            .ToList();
        if (changed.Count > 0)
        {
            lock (pending)
            {
                pending.GetOrCreateValue(context).AddRange(changed);
            }
        }
    }

    private void ApplyUnlessInTransaction(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null)
        {
            Apply(context);
        }
    }

    private void Apply(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        List<(string Resource, string Id)> changed;
        lock (pending)
        {
            if (!pending.TryGetValue(context, out var list) || list.Count == 0)
            {
                return;
            }

            changed = [.. list];
            list.Clear();
        }

        var cache = context.GetService<IDbContextOptions>().FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?
            .ApplicationServiceProvider?.GetService(typeof(TmfReadCache)) as TmfReadCache;
        foreach (var (resource, id) in changed)
        {
            cache?.Invalidate(resource, id);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        lock (pending)
        {
            if (pending.TryGetValue(context, out var list))
            {
                list.Clear();
            }
        }
    }

    // The rest of IDbTransactionInterceptor: nothing to do.
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result) => result;

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result) => result;

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(result);

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) => ValueTask.FromResult(result);

    public DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result) => result;

    public ValueTask<DbTransaction> TransactionUsedAsync(DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) => ValueTask.FromResult(result);

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => result;

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(result);

    public InterceptionResult TransactionRollingBack(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => result;

    public ValueTask<InterceptionResult> TransactionRollingBackAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(result);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Forget(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }
}
