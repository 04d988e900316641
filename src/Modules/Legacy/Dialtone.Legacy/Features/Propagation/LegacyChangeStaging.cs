using System.Diagnostics;
using System.Text.Json.Nodes;
using Dialtone.Legacy.Handlers;
using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>Stages changes for legacy: the change row and its delivery message, committed together.</summary>
internal static class LegacyChangeStaging
{
    /// <summary>Records a change and its delivery message in one transaction of the legacy module's outbox.</summary>
    /// <remarks>With <paramref name="changeId"/> (derived from what caused the change), a change already staged under that id is not staged again: answers null.</remarks>
    internal static async Task<string?> StageAsync(IServiceProvider services, string partyId, string kind, IReadOnlyList<string> legacyIds, string? traceparent,
        TimeProvider clock, CancellationToken cancellationToken, bool awaitingErasure = false, string? changeId = null)
    {
        var outbox = services.GetRequiredService<IDbContextOutbox<LegacyDbContext>>();
        if (changeId is not null && await outbox.DbContext.Changes.AnyAsync(c => c.Id == changeId, cancellationToken))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var change = new LegacyChange
        {
            Id = changeId ?? Guid.CreateVersion7(now).ToString(),
            PartyId = partyId,
            Kind = kind,
            LegacyCustomerIds = string.Join(',', legacyIds),
            TraceParent = traceparent,
            ChangedAt = now,
            State = awaitingErasure ? LegacyChangeStates.AwaitingErasure : LegacyChangeStates.Pending,
        };
        outbox.DbContext.Changes.Add(change);
        if (!awaitingErasure)
        {
            await outbox.PublishAsync(new PropagateLegacyChange(change.Id, partyId));
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
        return change.Id;
    }

    /// <summary>
    /// The state of the person's erasure for legacy, if one was staged and not abandoned: while there is one, nothing
    /// else of the person is written to legacy or kept of legacy's values (ADR 0017).
    /// </summary>
    internal static async Task<string?> ErasureStateAsync(LegacyDbContext db, string partyId, CancellationToken cancellationToken)
    {
        var states = await db.Changes.AsNoTracking().Where(c => c.PartyId == partyId && c.Kind == LegacyChangeKinds.Erasure && c.State != LegacyChangeStates.Abandoned)
            .Select(c => c.State).ToListAsync(cancellationToken);
        return states.FirstOrDefault(s => s != LegacyChangeStates.AwaitingErasure) ?? states.FirstOrDefault();
    }

    /// <summary>
    /// Abandons the erasures of the person that have awaited the end of their request since before <paramref name="before"/>
    /// (<c>ErasureRequestTimeout</c>): the caller has seen that the person is not erased, so the request failed half-way
    /// and was not asked again. An abandoned erasure is never delivered unless the parties module announces the erasure
    /// after all (<see cref="PersonalDataErasedHandler"/> releases it then). Answers how many were abandoned.
    /// </summary>
    internal static async Task<int> AbandonUnfinishedErasuresAsync(LegacyDbContext db, string partyId, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var unfinished = UnfinishedErasures(db, before).Where(c => c.PartyId == partyId);
        if (!await unfinished.AnyAsync(cancellationToken))
        {
            // Read first: an update that changes nothing would still take SQLite's write lock on every delivery.
            return 0;
        }

        return await unfinished.ExecuteUpdateAsync(u => u.SetProperty(c => c.State, LegacyChangeStates.Abandoned).SetProperty(c => c.LastError, LegacyChangeDelivery.ErasureNotCompleted), cancellationToken);
    }

    /// <summary>Erasures still awaiting the end of their request, staged before <paramref name="before"/>.</summary>
    internal static IQueryable<LegacyChange> UnfinishedErasures(LegacyDbContext db, DateTimeOffset before) =>
        db.Changes.Where(c => c.Kind == LegacyChangeKinds.Erasure && c.State == LegacyChangeStates.AwaitingErasure && c.ChangedAt < before);

    /// <summary>A <c>traceparent</c> continuing the trace of the change (a new span id: the legacy call is a child of the change).</summary>
    internal static string? TraceParentOf(string? traceId) =>
        traceId is { Length: 32 } && traceId.All(char.IsAsciiHexDigitLower)
            ? $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01"
            : null;
}

/// <summary>
/// The legacy module in a GDPR erasure: it runs before the parties module pseudonymises the person (whose legacy ids
/// go with it) and stages the erasure for legacy, released by <see cref="PersonalDataErasedHandler"/> once the parties
/// module has erased; the delivery erases in legacy only if Dialtone did erase (current state). The
/// cached bill history and the conflict reports are deleted, the sync states of the person's legacy records emptied of their
/// hashes (and deleted by the erasure's delivery).
/// </summary>
internal sealed class LegacyPersonalData(IServiceScopeFactory scopes, ICustomerRecords records, TimeProvider clock) : IPersonalDataHolder
{
    public string Module => LegacyDbContext.ModuleName;

    public int ErasureOrder => -10;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        return new JsonObject
        {
            ["changesForLegacy"] = await db.Changes.CountAsync(c => c.PartyId == subject.PartyId, cancellationToken),
            ["conflictReports"] = await db.Conflicts.CountAsync(c => c.PartyId == subject.PartyId, cancellationToken),
        };
    }

    public Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    public async Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var record = await records.FindByPartyAsync(subject.PartyId, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        if (record is { SourceIds.Count: > 0 })
        {
            // The erasure is staged first, and then the sync states emptied and the bill history cache deleted: a
            // delivery of another change of the person that reads a record's state after this, or a bill history read
            // that saves to the cache after this, checks for an erasure after that and finds it (ADR 0017).
            await LegacyChangeStaging.StageAsync(scope.ServiceProvider, subject.PartyId, LegacyChangeKinds.Erasure, record.SourceIds,
                Activity.Current?.Id is { Length: 55 } id ? id : null, clock, cancellationToken, awaitingErasure: true);
            await ForgetHashesAsync(db, [.. record.SourceIds], cancellationToken);
        }

        if (record?.CustomerId is { } customerId)
        {
            await db.BillHistoryCache.Where(c => c.CustomerId == customerId).ExecuteDeleteAsync(cancellationToken);
        }

        // Last: a delivery or a feed entry that reported the person's legacy values just before the erasure was staged
        // has committed its reports by now (one that had not yet fails its save on a state emptied above).
        await db.Conflicts.Where(c => c.PartyId == subject.PartyId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// The sync states hold keyed hashes of the person's legacy values: none of them is kept. Each record's state is
    /// emptied, not deleted, and its version moved on (made, if the record had none): a delivery already under way,
    /// which read the state before, then fails its save of it (a stale version, or the insert of a state that exists)
    /// instead of writing the hashes back after the erasure; the erasure's own delivery deletes the states.
    /// </summary>
    private async Task ForgetHashesAsync(LegacyDbContext db, List<string> legacyIds, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            var now = clock.GetUtcNow();
            await db.SyncStates.Where(s => legacyIds.Contains(s.LegacyCustomerId))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.FieldHashes, "{}").SetProperty(s => s.Version, s => s.Version + 1).SetProperty(s => s.UpdatedAt, now), cancellationToken);
            var existing = await db.SyncStates.AsNoTracking().Where(s => legacyIds.Contains(s.LegacyCustomerId)).Select(s => s.LegacyCustomerId).ToListAsync(cancellationToken);
            db.SyncStates.AddRange(legacyIds.Except(existing, StringComparer.Ordinal).Select(legacyId => new LegacySyncState { LegacyCustomerId = legacyId, LastVersion = -1, UpdatedAt = now, Version = 1 }));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException e) when (LegacySyncState.OnlyStatesConflicted(e) && round < 3)
            {
                // A delivery made a record's first state between the two statements: emptied in the next round.
                db.ChangeTracker.Clear();
            }
        }
    }
}

