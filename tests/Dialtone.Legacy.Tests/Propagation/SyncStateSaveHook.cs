using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// Another writer of a legacy record's sync state, at the worst moment: once, just before a save of the legacy module
/// that writes the armed record's sync state (and that <see cref="When"/> accepts), it writes the same row from a scope
/// of its own — inserting it when the save inserts it (two writers making the first one), else moving its version on —
/// or does what <see cref="OtherWriter"/> says instead.
/// </summary>
internal sealed class SyncStateSaveHook : SaveChangesInterceptor
{
    private int armed;

    public IServiceProvider? Services { get; set; }

    public string? LegacyId { get; private set; }

    /// <summary>Which saves count (all of them when null): e.g. only the change feed's, which move its cursor.</summary>
    public Func<LegacyDbContext, bool>? When { get; set; }

    /// <summary>What the other writer does instead of writing the row itself (a person's erasure, say).</summary>
    public Func<CancellationToken, Task>? OtherWriter { get; set; }

    public int Fired { get; private set; }

    /// <summary>Saves, after the other writer went first, that wrote conflict reports naming the armed record.</summary>
    public int ReportsSavedAfter { get; private set; }

    /// <summary>The armed record's field hashes just after the save the other writer went before ended (saved or failed), read from a scope of its own.</summary>
    public string? HashesAfterSave { get; private set; }

    private DbContext? firedOn;

    public void Arm(string legacyId)
    {
        LegacyId = legacyId;
        Volatile.Write(ref armed, 1);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is LegacyDbContext saving && Fired > 0
            && saving.ChangeTracker.Entries<LegacyConflict>().Any(e => e.State == EntityState.Added && e.Entity.LegacyCustomerId == LegacyId))
        {
            ReportsSavedAfter++;
        }

        if (eventData.Context is LegacyDbContext db && Volatile.Read(ref armed) == 1 && (When?.Invoke(db) ?? true)
            && db.ChangeTracker.Entries<LegacySyncState>().FirstOrDefault(e => e.Entity.LegacyCustomerId == LegacyId && e.State is EntityState.Added or EntityState.Modified) is { } entry
            && Interlocked.Exchange(ref armed, 0) == 1)
        {
            if (OtherWriter is { } write)
            {
                await write(cancellationToken);
                firedOn = db;
                Fired++;
                return result;
            }

            await using var scope = Services!.CreateAsyncScope();
            var other = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            if (entry.State == EntityState.Added)
            {
                other.SyncStates.Add(new LegacySyncState { LegacyCustomerId = LegacyId!, LastVersion = -1, UpdatedAt = DateTimeOffset.UtcNow });
            }
            else
            {
                (await other.SyncStates.SingleAsync(s => s.LegacyCustomerId == LegacyId, cancellationToken)).Touch(DateTimeOffset.UtcNow);
            }

            await other.SaveChangesAsync(cancellationToken);
            Fired++;
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await AfterSaveAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) => AfterSaveAsync(eventData.Context, cancellationToken);

    private async Task AfterSaveAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null || !ReferenceEquals(Interlocked.CompareExchange(ref firedOn, null, context), context))
        {
            return;
        }

        await using var scope = Services!.CreateAsyncScope();
        HashesAfterSave = (await scope.ServiceProvider.GetRequiredService<LegacyDbContext>().SyncStates.AsNoTracking()
            .FirstOrDefaultAsync(s => s.LegacyCustomerId == LegacyId, cancellationToken))?.FieldHashes;
    }
}
