using System.Text.Json;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Handlers;
using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>
/// Sends a person's <b>current</b> state to each of their legacy records, whatever the change that asked for it: a
/// retried or replayed older change therefore cannot bring back an older value. Each record is read first
/// (<c>GetCustomer</c>) and written with its version (<c>ExpectedVersion</c>); a version conflict means legacy changed
/// in between, so it is read again and the writes re-planned. The master rule (ADR 0017): after migration Dialtone
/// masters email, phone, address and customer status, so Dialtone's value wins; when legacy's users had changed one
/// of them since Dialtone's last write, the overwritten legacy value is reported (encrypted) in the conflicts.
/// </summary>
internal sealed partial class LegacyChangeDelivery(
    LegacyDbContext db, ICustomerRecords records, LegacyCustomerService legacy, PersonalDataProtector protector, IOptions<LegacyOptions> options,
    LegacyMetrics metrics, LegacyPlanDelivery plans, TimeProvider clock, ILogger<LegacyChangeDelivery> logger)
{
    /// <summary>The dead-letter reason of a change whose party no longer exists in Dialtone (deleted, not erased).</summary>
    public const string PartyNotFound = "PARTY_NOT_FOUND";

    /// <summary>The <c>LastError</c> of a change that waits while the person's erasure request still runs.</summary>
    public const string AwaitingErasure = "awaiting erasure";

    /// <summary>The <c>LastError</c> of an abandoned erasure (<see cref="LegacyChangeStates.Abandoned"/>).</summary>
    public const string ErasureNotCompleted = "ERASURE_NOT_COMPLETED";

    /// <summary>How often one delivery is done again at once because the change-feed sync wrote a record's sync state meanwhile.</summary>
    public const int MaxStateConflicts = 3;

    public Task DeliverAsync(string changeId, CancellationToken cancellationToken) => DeliverAsync(changeId, 0, cancellationToken);

    private async Task DeliverAsync(string changeId, int stateConflicts, CancellationToken cancellationToken)
    {
        var change = await db.Changes.FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken);
        if (change is null || change.State != LegacyChangeStates.Pending)
        {
            return;
        }

        try
        {
            var record = await records.FindByPartyAsync(change.PartyId, cancellationToken);
            if (record is null)
            {
                // The party no longer exists in Dialtone (deleted through TMF632, not erased): nothing says legacy's
                // record must go, so legacy is not written at all (ADR 0017: an erasure is sent only when Dialtone erased).
                await DeadLetterAsync(change, PartyNotFound);
                return;
            }

            if (change.Kind != LegacyChangeKinds.Erasure && !record.Erased)
            {
                await AbandonUnfinishedErasuresAsync(change, cancellationToken);
            }

            if (change.Kind != LegacyChangeKinds.Erasure && await ErasureStateAsync(change.PartyId, cancellationToken) is { } erasure)
            {
                await SupersededAsync(change, erasure);
                return;
            }

            var legacyIds = record.SourceIds.Count > 0 ? record.SourceIds : change.LegacyIds;
            var writes = 0;
            if (change.Kind == LegacyChangeKinds.Plan)
            {
                // A plan change sends the current offerings of the person's migrated lines (an erased person has none to send).
                writes = record.Erased ? 0 : await plans.SynchronizeAsync(change, legacyIds, cancellationToken);
            }
            else
            {
                foreach (var legacyId in legacyIds)
                {
                    writes += await SynchronizeAsync(change, legacyId, cancellationToken);
                }
            }

            if (change.Kind == LegacyChangeKinds.Erasure && record.Erased)
            {
                // The erasure request deleted the person's conflict reports; none written since (a feed entry read
                // before the erasure was staged, say) outlives the erasure's delivery.
                await db.Conflicts.Where(c => c.PartyId == change.PartyId).ExecuteDeleteAsync(cancellationToken);
            }

            change.State = LegacyChangeStates.Delivered;
            change.DeliveredAt = clock.GetUtcNow();
            change.LastError = null;
            await db.SaveChangesAsync(cancellationToken);
            metrics.Delivered.Add(1);
            LogDelivered(logger, change.Id, change.Kind, writes, change.TraceId);
        }
        catch (ErasureStagedException e)
        {
            // What the attempt read and reported belongs to a person being erased: nothing of it is saved (SupersededAsync drops it).
            await SupersededAsync(change, e.Erasure);
        }
        catch (PartyGoneException)
        {
            // Deleted while legacy was being read (a read that waited out an outage, say): the same answer as above.
            await DeadLetterAsync(change, PartyNotFound);
        }
        catch (LegacyUnavailableException e)
        {
            change.LastError = Truncate("unavailable: " + e.Message);
            await db.SaveChangesAsync(CancellationToken.None);
            LogDeferred(logger, change.Id, change.LastError, change.TraceId);
            throw new LegacyDeliveryDeferredException(change.LastError);
        }
        catch (LegacyFaultException e) when (e.Retryable)
        {
            await RefusedAsync(change, $"{e.Code} {e.Name}");
        }
        catch (LegacyFaultException e)
        {
            await DeadLetterAsync(change, $"{e.Code} {e.Name}");
        }
        catch (LegacyPlanNotMappedException e)
        {
            await DeadLetterAsync(change, e.Message);
        }
        catch (DbUpdateException e) when (LegacySyncState.OnlyStatesConflicted(e) && stateConflicts < MaxStateConflicts)
        {
            // The change-feed sync wrote (or first made) a record's sync state since this delivery read it, or an erasure
            // emptied it: done again from fresh reads (legacy's record too, so what this attempt wrote is not written
            // twice, and no edit is reported twice). The edits this attempt overwrote in legacy are reported still: the
            // redo finds Dialtone's values there and would report nothing, though the legacy user's value is gone —
            // unless the redo finds the person's erasure, which settles the change and keeps no report.
            var reports = db.ChangeTracker.Entries<LegacyConflict>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
            db.ChangeTracker.Clear();
            db.Conflicts.AddRange(reports);
            LogStateConflict(logger, changeId, stateConflicts + 1);
            await DeliverAsync(changeId, stateConflicts + 1, cancellationToken);
        }
        catch (DbUpdateException e)
        {
            // Dialtone's own write failed (the sync state, a conflict report, the change itself): what the context tracks
            // cannot be saved, so it is dropped and the change read again and counted like a refusal. It is retried,
            // and dead-lettered after MaxAttempts, instead of escaping to Wolverine with the row left pending for ever.
            db.ChangeTracker.Clear();
            var reread = await db.Changes.FirstOrDefaultAsync(c => c.Id == changeId, CancellationToken.None);
            if (reread is null || reread.State != LegacyChangeStates.Pending)
            {
                return;
            }

            await RefusedAsync(reread, e.GetType().Name + ": " + (e.InnerException?.GetType().Name ?? "database"));
        }
        catch (Exception e) when (e is not OperationCanceledException and not LegacyDeliveryDeferredException)
        {
            await RefusedAsync(change, e.GetType().Name);
        }
    }

    /// <summary>The state of the person's erasure for legacy, if one was staged: a change staged after it for the person is not sent.</summary>
    private Task<string?> ErasureStateAsync(string partyId, CancellationToken cancellationToken) => LegacyChangeStaging.ErasureStateAsync(db, partyId, cancellationToken);

    /// <summary>
    /// The person is not erased, yet an erasure of theirs has been awaiting the end of its request for longer than
    /// <c>ErasureRequestTimeout</c>: the request failed half-way and was not asked again. The erasure is abandoned, so
    /// the change does not wait for ever; if the parties module announces the erasure after all, it is released still.
    /// </summary>
    private async Task AbandonUnfinishedErasuresAsync(LegacyChange change, CancellationToken cancellationToken)
    {
        var abandoned = await LegacyChangeStaging.AbandonUnfinishedErasuresAsync(db, change.PartyId, clock.GetUtcNow() - options.Value.Propagation.ErasureRequestTimeout, cancellationToken);
        if (abandoned > 0)
        {
            LogErasureAbandoned(logger, abandoned, change.Id, change.TraceId);
        }
    }

    /// <summary>
    /// The person asked to be erased: their erasure is legacy's last change, so no contact data of theirs is written
    /// there and no sync state made again (the erasure emptied it, ADR 0017). While the erasure request still runs
    /// (staged, awaiting the parties module) the change waits, as through an outage; once the erasure is released it
    /// is done, with no write.
    /// </summary>
    private async Task SupersededAsync(LegacyChange change, string erasure)
    {
        // A redo after a state conflict carries the reports of the attempt before it: values of a person being erased, not kept.
        ForgetAttempt();
        if (erasure == LegacyChangeStates.AwaitingErasure)
        {
            change.LastError = AwaitingErasure;
            await db.SaveChangesAsync(CancellationToken.None);
            LogDeferred(logger, change.Id, change.LastError, change.TraceId);
            throw new LegacyDeliveryDeferredException(change.LastError);
        }

        change.State = LegacyChangeStates.Delivered;
        change.DeliveredAt = clock.GetUtcNow();
        change.LastError = null;
        await db.SaveChangesAsync(CancellationToken.None);
        metrics.Delivered.Add(1);
        LogSuperseded(logger, change.Id, change.Kind, change.TraceId);
    }

    /// <summary>
    /// Brings one legacy record to the person's current state; answers the number of writes it took. Dialtone's state
    /// is read after legacy's in every round, right before the writes: a legacy read that took long (retries through
    /// an outage) or a version conflict never writes a state Dialtone has left meanwhile.
    /// </summary>
    private async Task<int> SynchronizeAsync(LegacyChange change, string legacyId, CancellationToken cancellationToken)
    {
        var state = await db.SyncStates.FirstOrDefaultAsync(s => s.LegacyCustomerId == legacyId, cancellationToken)
                    ?? new LegacySyncState { LegacyCustomerId = legacyId, LastVersion = -1 };
        if (change.Kind != LegacyChangeKinds.Erasure && await ErasureStateAsync(change.PartyId, cancellationToken) is { } erasure)
        {
            // Checked again after the state was read: an erasure stages itself before it empties the states, so a state
            // read after that is never written back with the person's hashes (one read before fails its save, stale).
            throw new ErasureStagedException(erasure);
        }

        var erasing = false;
        var writes = await LegacyRereads.RunAsync(async round =>
        {
            var current = await legacy.GetCustomerAsync(legacyId, change.TraceParent, cancellationToken);
            var record = await records.FindByPartyAsync(change.PartyId, cancellationToken) ?? throw new PartyGoneException();
            var desired = record.Erased ? null : record;
            erasing = desired is null;
            if (erasing)
            {
                // Dialtone erased the person: the keyed hashes of their legacy values are not kept (GDPR erasure), not
                // even by an attempt legacy refuses (a refused attempt saves what it tracked).
                ForgetState(state);
            }
            else if (db.Entry(state).State == EntityState.Detached)
            {
                db.SyncStates.Add(state);
            }

            var now = clock.GetUtcNow();
            round.Version = current.Version;
            if (LegacyFields.IsErased(current.Status))
            {
                state.LastVersion = current.Version;
                state.Touch(now);
                return;
            }

            var plan = desired is null ? LegacyFields.ErasurePlan : LegacyFields.Plan(desired, current);
            var known = JsonSerializer.Deserialize<Dictionary<string, string>>(state.FieldHashes) ?? [];
            var legacyNow = LegacyFields.Current(current);
            foreach (var (field, legacyValue) in plan.Overwrites)
            {
                // Reported only when legacy's users changed the field since Dialtone last wrote or saw it.
                var value = legacyNow.All.First(f => f.Field == field).Value;
                if (!known.TryGetValue(field, out var hash) || hash == HashOf(value))
                {
                    continue;
                }

                db.Conflicts.Add(new LegacyConflict
                {
                    Id = Guid.CreateVersion7(now).ToString(),
                    ChangeId = change.Id,
                    PartyId = change.PartyId,
                    LegacyCustomerId = legacyId,
                    Field = field,
                    ProtectedLegacyValue = legacyValue is null ? null : protector.Protect(legacyValue),
                    LegacyVersion = current.Version,
                    DetectedAt = now,
                });
                metrics.Conflicts.Add(1);
                LogConflict(logger, change.Id, legacyId, field, current.Version, state.LastVersion, change.TraceId);
            }

            // Legacy's edits have been seen (and reported): a retry of this delivery must not report them again.
            state.LastVersion = current.Version;
            state.Touch(now);
            state.FieldHashes = HashesOf(legacyNow);
            foreach (var (operation, fields) in plan.Writes)
            {
                round.Wrote(await legacy.WriteAsync(operation, legacyId, round.Version, fields, change.TraceParent, cancellationToken));
                state.LastVersion = round.Version;
            }

            if (desired is not null)
            {
                // Legacy's own format where nothing was written (a national phone number equal to Dialtone's E.164 one):
                // hashes of what legacy holds, so that value is not taken for a legacy user's edit next time.
                state.FieldHashes = HashesOf(LegacyFields.After(legacyNow, LegacyFields.Desired(desired), plan));
            }
        }, change, legacyId, logger);
        if (erasing)
        {
            ForgetState(state);
        }

        return writes;
    }

    private void ForgetState(LegacySyncState state)
    {
        var entry = db.Entry(state);
        if (entry.State == EntityState.Added)
        {
            entry.State = EntityState.Detached;
        }
        else if (entry.State is EntityState.Unchanged or EntityState.Modified)
        {
            entry.State = EntityState.Deleted;
        }
    }

    private async Task RefusedAsync(LegacyChange change, string reason)
    {
        change.Attempts++;
        change.LastError = Truncate(reason);
        if (change.Attempts >= options.Value.Propagation.MaxAttempts)
        {
            await DeadLetterAsync(change, reason);
            return;
        }

        await SaveAttemptAsync(change);
        LogDeferred(logger, change.Id, change.LastError, change.TraceId);
        throw new LegacyDeliveryDeferredException(change.LastError);
    }

    private async Task DeadLetterAsync(LegacyChange change, string reason)
    {
        change.State = LegacyChangeStates.DeadLettered;
        change.DeadLetteredAt = clock.GetUtcNow();
        change.LastError = Truncate(reason);
        await SaveAttemptAsync(change);
        metrics.DeadLettered.Add(1);
        LogDeadLettered(logger, change.Id, change.Attempts, change.LastError, change.TraceId);
    }

    /// <summary>
    /// Saves an attempt that did not deliver, with what it tracked (the sync states it read legacy into, the edits it
    /// reported), so a retry does not report them twice. When another writer of a sync state came first (the
    /// change-feed sync, or an erasure that emptied it) that is stale: the change's own outcome is saved alone, and
    /// the next attempt reads legacy and the state afresh.
    /// </summary>
    private async Task SaveAttemptAsync(LegacyChange change)
    {
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException e) when (LegacySyncState.OnlyStatesConflicted(e))
        {
            var (state, attempts, lastError, deadLetteredAt) = (change.State, change.Attempts, change.LastError, change.DeadLetteredAt);
            db.ChangeTracker.Clear();
            var reread = await db.Changes.FirstAsync(c => c.Id == change.Id, CancellationToken.None);
            (reread.State, reread.Attempts, reread.LastError, reread.DeadLetteredAt) = (state, attempts, lastError, deadLetteredAt);
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    /// <summary>Drops what the attempt tracked besides the change itself: the sync states it read and the edits it reported.</summary>
    private void ForgetAttempt()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is LegacySyncState or LegacyConflict).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    private sealed class PartyGoneException : Exception;

    private sealed class ErasureStagedException(string erasure) : Exception
    {
        public string Erasure { get; } = erasure;
    }

    private string HashOf(string? value) => protector.Hash(value ?? "");

    private string HashesOf(LegacyFieldValues values) =>
        JsonSerializer.Serialize(values.All.ToDictionary(f => f.Field, f => HashOf(f.Value)));

    private static string Truncate(string value) => value.Length <= 300 ? value : value[..300];

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId} ({Kind}) delivered with {Writes} writes, trace {TraceId}")]
    private static partial void LogDelivered(ILogger logger, string changeId, string kind, int writes, string? traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} erasure(s) of the person of legacy change {ChangeId} abandoned: the person was not erased within the erasure request's timeout; trace {TraceId}")]
    private static partial void LogErasureAbandoned(ILogger logger, int count, string changeId, string? traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId} ({Kind}) settled without a write: the person's erasure supersedes it, trace {TraceId}")]
    private static partial void LogSuperseded(ILogger logger, string changeId, string kind, string? traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId}: a sync state changed while it was delivered; delivering again ({Time} of 3)")]
    private static partial void LogStateConflict(ILogger logger, string changeId, int time);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId} deferred: {Reason}, trace {TraceId}")]
    private static partial void LogDeferred(ILogger logger, string changeId, string reason, string? traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy change {ChangeId} dead-lettered after {Attempts} refused attempts: {Reason}, trace {TraceId}")]
    private static partial void LogDeadLettered(ILogger logger, string changeId, int attempts, string reason, string? traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy change {ChangeId}: legacy record {LegacyCustomerId} field {Field} was edited in legacy (version {Version}, Dialtone wrote {LastVersion}); Dialtone's value wins, the overwritten one is reported, trace {TraceId}")]
    private static partial void LogConflict(ILogger logger, string changeId, string legacyCustomerId, string field, long version, long lastVersion, string? traceId);
}
