using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Dialtone.Inventory.Contracts;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.Sync;

/// <summary>
/// What entries of one page share: people already read (dropped when the entry wrote to them), fields already reported.
/// Legacy's record is read fresh for every entry, and whether to stage a person again is decided against the changes
/// table (a still-pending change of the person), not per page: entries commit one by one, and a restaged delivery can
/// land between two entries of one page.
/// </summary>
internal sealed class LegacyFeedBatch
{
    public Dictionary<string, CustomerRecord?> People { get; } = new(StringComparer.Ordinal);

    public HashSet<(string, string)> Reported { get; } = [];

    /// <summary>
    /// Entries whose write to Dialtone was made (the parties module commits it at once), even by an attempt whose own
    /// commit then failed: the attempt made again finds nothing left to write, and counts the entry applied all the same.
    /// </summary>
    public HashSet<long> Applied { get; } = [];
}

/// <summary>
/// Applies legacy's change feed, one entry at a time by the field masters (<see cref="LegacyFieldMasters"/>, ADR 0018):
/// <list type="bullet">
/// <item>an entry Dialtone wrote (its <c>Caller</c> system) is an echo: counted, not applied;</item>
/// <item>a legacy user's change of a field legacy masters (names, birth date) is written to the person in Dialtone;</item>
/// <item>a legacy user's change of a field Dialtone masters is not applied: it is reported as a conflict (direction
/// <c>fromLegacy</c>, legacy's value encrypted) and Dialtone's current state is staged for propagation, so legacy converges;</item>
/// <item>people never migrated (or erased in Dialtone) are skipped.</item>
/// </list>
/// Values are always read from legacy's current record (<c>GetCustomer</c>), never from the feed, so an older entry
/// never brings back an older value. Scoped: one scope (and transaction) per entry, in which the watermark commits with
/// what the entry wrote in the legacy module (conflicts, the sync state, a staged change); Dialtone's writes are "set
/// to legacy's current value", so an entry applied again after a crash changes nothing. The meter counts what an entry
/// did only once its commit succeeded: an entry applied again (a sync state another writer changed) is counted once.
/// </summary>
internal sealed partial class LegacyFeedApplier(
    LegacyDbContext db, IServiceProvider services, ICustomerRecords records, IProductInventory inventory, LegacyCustomerService legacy, PersonalDataProtector protector,
    IOptions<LegacyOptions> options, LegacyFeedMetrics metrics, TimeProvider clock, ILogger<LegacyFeedApplier> logger)
{
    public const string FromLegacy = "fromLegacy";

    /// <summary>The skip reason (and the conflict resolution's prefix) of an entry that failed too often.</summary>
    public const string Parked = "parked";

    /// <summary>The skip reason of an entry of a person whose erasure was staged (ADR 0017).</summary>
    public const string Erasing = "erasing";

    // What this scope's entry did, added to the meter after its commit (a failed commit is done again in a new scope).
    private readonly List<(Counter<long> Counter, string? Reason)> counted = [];

    /// <summary>
    /// Applies one entry in this scope's transaction: what it writes in the legacy module, the change staged for legacy
    /// (if any) and the watermark commit together. Refused when this node no longer holds the lease.
    /// </summary>
    public async Task ApplyAsync(LegacyFeedEntry entry, LegacyFeedBatch batch, string node, CancellationToken cancellationToken)
    {
        var cursor = await LeasedCursorAsync(node, cancellationToken);
        if (cursor.Watermark >= entry.Watermark)
        {
            return;
        }

        // The commit itself needs no clock check: the cursor's version token fails it if another node committed meanwhile.
        var stage = await ApplyAsync(entry, cursor, batch, cancellationToken);
        cursor.Watermark = entry.Watermark;
        Touch(cursor);
        if (stage is var (person, kind))
        {
            // A scope of its own per staged change: the outbox of one scope flushes its messages once.
            await LegacyChangeStaging.StageAsync(services, person.PartyId, kind, person.SourceIds,
                Activity.Current?.Id is { Length: 55 } traceparent ? traceparent : null, clock, cancellationToken);
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        Measure();
    }

    /// <summary>
    /// Moves the watermark past an entry that failed <c>MaxEntryAttempts</c> times: counted as skipped (reason
    /// <c>parked</c>) and recorded as a conflict with resolution <c>parked:&lt;reason&gt;</c> (ids and an error code only),
    /// which <c>GET /admin/legacy/sync</c> counts and shows as <c>lastSkipped</c>.
    /// </summary>
    public async Task ParkAsync(LegacyFeedEntry entry, string reason, string node, CancellationToken cancellationToken)
    {
        var cursor = await LeasedCursorAsync(node, cancellationToken);
        if (cursor.Watermark >= entry.Watermark)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var person = await records.FindBySourceIdAsync(entry.CustomerId, cancellationToken);
        var resolution = $"{Parked}:{reason}";
        db.Conflicts.Add(new LegacyConflict
        {
            Id = Guid.CreateVersion7(now).ToString(),
            ChangeId = $"feed:{entry.Watermark}",
            PartyId = person?.PartyId ?? "",
            LegacyCustomerId = entry.CustomerId,
            Field = "entry",
            LegacyVersion = entry.NewVersion,
            DetectedAt = now,
            Resolution = resolution.Length <= 32 ? resolution : resolution[..32],
            Direction = FromLegacy,
        });
        cursor.Watermark = entry.Watermark;
        Skip(cursor, entry, Parked);
        Touch(cursor);
        await db.SaveChangesAsync(cancellationToken);
        Measure();
    }

    /// <summary>Closes a page: the watermark past it, legacy's high watermark, the poll's time, and caught up when legacy had no more.</summary>
    public async Task FinishAsync(LegacyChangeFeedPage page, DateTimeOffset startedAt, string node, CancellationToken cancellationToken)
    {
        var cursor = await LeasedCursorAsync(node, cancellationToken);
        cursor.Watermark = Math.Max(cursor.Watermark, page.LastWatermark);
        cursor.HighWatermark = page.HighWatermark;
        cursor.LastPollAt = startedAt;
        cursor.LastError = null;
        cursor.ConsecutiveFailures = 0;
        if (!page.More)
        {
            cursor.CaughtUpAt = startedAt;
        }

        Touch(cursor);
        await db.SaveChangesAsync(cancellationToken);
        metrics.Observe(cursor, clock.GetUtcNow());
    }

    /// <summary>Renews the lease and moves the version: a node whose lease was taken over fails to commit.</summary>
    public void Touch(LegacyFeedCursor cursor)
    {
        cursor.LeaseUntil = clock.GetUtcNow() + options.Value.Sync.LeaseDuration;
        cursor.Version++;
    }

    /// <summary>The cursor, when this node holds its lease and the lease has not expired; a lost or lapsed lease throws (as a failed commit would).</summary>
    private async Task<LegacyFeedCursor> LeasedCursorAsync(string node, CancellationToken cancellationToken)
    {
        var cursor = await db.FeedCursors.FirstOrDefaultAsync(c => c.Id == LegacyFeedCursor.FeedId, cancellationToken);
        if (cursor is null || cursor.LeaseOwner != node)
        {
            throw new DbUpdateConcurrencyException("The change feed's lease is held by another node.");
        }

        StillLeased(cursor);
        return cursor;
    }

    /// <summary>
    /// Checked at an entry's start and before its write to Dialtone (the commit is guarded by the version token): while the lease read at the
    /// entry's start has not expired no other node can take it over, so a node that was slow (a long legacy call, a
    /// pause) stops here instead of writing after another node may have applied later entries.
    /// </summary>
    private void StillLeased(LegacyFeedCursor cursor)
    {
        if (!(cursor.LeaseUntil > clock.GetUtcNow()))
        {
            throw new DbUpdateConcurrencyException("The change feed's lease lapsed.");
        }
    }

    /// <summary>Applies one entry; answers the person whose Dialtone state must be propagated again (and which kind of change), if any.</summary>
    private async Task<(CustomerRecord Person, string Kind)?> ApplyAsync(LegacyFeedEntry entry, LegacyFeedCursor cursor, LegacyFeedBatch batch, CancellationToken cancellationToken)
    {
        var (people, reported) = (batch.People, batch.Reported);
        if (string.Equals(entry.OriginSystem, options.Value.CallerSystem, StringComparison.Ordinal))
        {
            cursor.Echoes++;
            counted.Add((metrics.Echoes, null));
            LogEcho(logger, entry.Watermark, entry.CustomerId, entry.NewVersion, entry.TraceId);
            return null;
        }

        if (!people.TryGetValue(entry.CustomerId, out var person))
        {
            person = await records.FindBySourceIdAsync(entry.CustomerId, cancellationToken);
            people[entry.CustomerId] = person;
        }

        if (person is null || person.Erased)
        {
            Skip(cursor, entry, "notMigrated");
            return null;
        }

        if (await LegacyChangeStaging.ErasureStateAsync(db, person.PartyId, cancellationToken) is not null)
        {
            // Being erased (the erasure request runs, or its erasure is on its way to legacy): nothing of legacy's values is taken or kept.
            Skip(cursor, entry, Erasing);
            return null;
        }

        // Read fresh for every entry (each commits on its own, and a restaged delivery may have changed the record since the last one).
        LegacyCustomer record;
        try
        {
            record = await legacy.GetCustomerAsync(entry.CustomerId, null, cancellationToken);
        }
        catch (LegacyFaultException e) when (e.Code == LegacyFaultException.RecordNotFound)
        {
            Skip(cursor, entry, "notInLegacy");
            return null;
        }

        var now = clock.GetUtcNow();
        if (LegacyFields.IsErased(record.Status))
        {
            // Legacy's users erased someone Dialtone holds: Dialtone masters erasure (a GDPR request comes through it), so it is reported for an operator.
            Report(cursor, entry, person, record, "erasure", null, "reported", reported, now);
            return null;
        }

        if (entry.Entity == "Subscription")
        {
            var (reportedLine, overruledPlan) = (false, false);
            foreach (var field in entry.Fields.Where(LegacyFieldMasters.SubscriptionFields.ContainsKey).Select(f => LegacyFieldMasters.SubscriptionFields[f]))
            {
                // Lines change through Dialtone's orders after migration (no value reported: plan codes and line codes are not personal, the operator reads them in legacy).
                if (field != LegacyFieldMasters.PlanField)
                {
                    Report(cursor, entry, person, record, field, null, "reported", reported, now);
                    reportedLine = true;
                    continue;
                }

                // A plan code that still maps to the line's offering (another code of the same plan) is no conflict; any other is overruled and the plan propagated again.
                var differences = await LegacyPlans.DifferencesAsync(record, await LegacyPlanTable.ReadAsync(db, cancellationToken), inventory, cancellationToken);
                if (differences.Any(d => d.SubscriptionId == entry.EntityId))
                {
                    Report(cursor, entry, person, record, field, null, "dialtoneWins", reported, now);
                    overruledPlan = true;
                }
            }

            if (!reportedLine && !overruledPlan)
            {
                Skip(cursor, entry, "unchanged");
            }

            return !overruledPlan || await PendingAsync(person, LegacyChangeKinds.Plan, cancellationToken) ? null : (person, LegacyChangeKinds.Plan);
        }

        var named = entry.Fields.Where(LegacyFieldMasters.CustomerFields.ContainsKey).Select(f => LegacyFieldMasters.CustomerFields[f].Field).ToHashSet(StringComparer.Ordinal);
        if (named.Any(f => LegacyFieldMasters.CustomerFields.Values.Any(m => m.Field == f && m.Master == LegacyFieldMasters.Dialtone)))
        {
            // Only for legacy edits of Dialtone's fields: a name applied below makes Dialtone propagate, and that delivery writes this state too.
            await SeenAsync(entry.CustomerId, record, named, now, cancellationToken);
            if (await LegacyChangeStaging.ErasureStateAsync(db, person.PartyId, cancellationToken) is not null)
            {
                // Checked again after the state was read (an erasure stages itself before it empties the states, ADR 0017):
                // the person's erasure began meanwhile, so their hashes are not written back.
                foreach (var tracked in db.ChangeTracker.Entries<LegacySyncState>().Where(e => e.Entity.LegacyCustomerId == entry.CustomerId).ToList())
                {
                    tracked.State = EntityState.Detached;
                }

                Skip(cursor, entry, Erasing);
                return null;
            }
        }

        var differing = LegacyFieldMasters.Compare(person, record, person.SourceIds.Count > 1).Where(c => c.Differs && named.Contains(c.Field)).ToList();
        var outcome = "unchanged";
        var values = LegacyFieldMasters.MasteredValues(record, differing.Where(c => c.Master == LegacyFieldMasters.Legacy).Select(c => c.Field));
        if (values is not null)
        {
            StillLeased(cursor);
        }

        if (values is not null && await records.UpdateFromSourceAsync(person.PartyId, values, cancellationToken))
        {
            batch.Applied.Add(entry.Watermark);
            people.Remove(entry.CustomerId);
        }

        if (batch.Applied.Contains(entry.Watermark))
        {
            cursor.Applied++;
            counted.Add((metrics.Applied, null));
            outcome = "applied";
        }

        var overruled = differing.Where(c => c.Master == LegacyFieldMasters.Dialtone).ToList();
        foreach (var field in overruled)
        {
            Report(cursor, entry, person, record, field.Field, field.LegacyValue, "dialtoneWins", reported, now);
            outcome = "conflict";
        }

        if (outcome == "unchanged")
        {
            Skip(cursor, entry, outcome);
        }
        else
        {
            var fields = string.Join(',', differing.Select(d => d.Field));
            LogApplied(logger, entry.Watermark, entry.CustomerId, outcome, fields, record.Version, entry.TraceId);
        }

        return overruled.Count > 0 && !await PendingAsync(person, LegacyChangeKinds.Contact, cancellationToken) ? (person, LegacyChangeKinds.Contact) : null;
    }

    /// <summary>A change of this kind still pending for the person sends Dialtone's current state anyway; otherwise (none, or already delivered) one is staged again.</summary>
    private Task<bool> PendingAsync(CustomerRecord person, string kind, CancellationToken cancellationToken) =>
        db.Changes.AnyAsync(c => c.PartyId == person.PartyId && c.Kind == kind && c.State == LegacyChangeStates.Pending, cancellationToken);

    /// <summary>
    /// Legacy's current values of the fields Dialtone masters are now known (and any edit of them reported), as after a
    /// delivery: the propagation that follows overwrites them without reporting them a second time.
    /// </summary>
    /// <remarks>
    /// Only the fields the entry names were compared (and reported): the hashes of the others stay as they were, so an
    /// unreported legacy edit of another field is still found as a conflict when the propagation meets it.
    /// </remarks>
    private async Task SeenAsync(string legacyId, LegacyCustomer record, HashSet<string> named, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await db.SyncStates.FirstOrDefaultAsync(s => s.LegacyCustomerId == legacyId, cancellationToken);
        if (state is null)
        {
            state = new LegacySyncState { LegacyCustomerId = legacyId, LastVersion = -1 };
            db.SyncStates.Add(state);
        }

        state.LastVersion = Math.Max(state.LastVersion, record.Version);
        var hashes = (string.IsNullOrEmpty(state.FieldHashes) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(state.FieldHashes)) ?? [];
        foreach (var (field, value) in LegacyFields.Current(record).All.Where(f => named.Contains(f.Field)))
        {
            hashes[field] = protector.Hash(value ?? "");
        }

        state.FieldHashes = JsonSerializer.Serialize(hashes);
        state.Touch(now);
    }

    private void Report(LegacyFeedCursor cursor, LegacyFeedEntry entry, CustomerRecord person, LegacyCustomer record, string field, string? legacyValue, string resolution,
        HashSet<(string, string)> reported, DateTimeOffset now)
    {
        if (!reported.Add((entry.CustomerId, field)))
        {
            return;
        }

        db.Conflicts.Add(new LegacyConflict
        {
            Id = Guid.CreateVersion7(now).ToString(),
            ChangeId = $"feed:{entry.Watermark}",
            PartyId = person.PartyId,
            LegacyCustomerId = entry.CustomerId,
            Field = field,
            ProtectedLegacyValue = legacyValue is null ? null : protector.Protect(legacyValue),
            LegacyVersion = record.Version,
            DetectedAt = now,
            Resolution = resolution,
            Direction = FromLegacy,
        });
        cursor.Conflicts++;
        counted.Add((metrics.Conflicts, null));
        LogConflict(logger, entry.Watermark, entry.CustomerId, field, resolution, record.Version, entry.TraceId);
    }

    private void Measure()
    {
        foreach (var (counter, reason) in counted)
        {
            if (reason is null)
            {
                counter.Add(1);
            }
            else
            {
                counter.Add(1, new KeyValuePair<string, object?>("reason", reason));
            }
        }

        counted.Clear();
    }

    private void Skip(LegacyFeedCursor cursor, LegacyFeedEntry entry, string why)
    {
        cursor.Skipped++;
        counted.Add((metrics.Skipped, why));
        LogSkipped(logger, entry.Watermark, entry.CustomerId, why, entry.TraceId);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Legacy feed {Watermark}: record {LegacyCustomerId} version {Version} is Dialtone's own write (echo), trace {TraceId}")]
    private static partial void LogEcho(ILogger logger, long watermark, string legacyCustomerId, long version, string? traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy feed {Watermark}: record {LegacyCustomerId} {Outcome} (fields {Fields}) at version {Version}, trace {TraceId}")]
    private static partial void LogApplied(ILogger logger, long watermark, string legacyCustomerId, string outcome, string fields, long version, string? traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy feed {Watermark}: record {LegacyCustomerId} field {Field} was changed in legacy but Dialtone masters it ({Resolution}), version {Version}, trace {TraceId}")]
    private static partial void LogConflict(ILogger logger, long watermark, string legacyCustomerId, string field, string resolution, long version, string? traceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Legacy feed {Watermark}: record {LegacyCustomerId} skipped ({Why}), trace {TraceId}")]
    private static partial void LogSkipped(ILogger logger, long watermark, string legacyCustomerId, string why, string? traceId);
}
