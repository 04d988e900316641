using System.Diagnostics;
using System.Text.Json;
using Dialtone.Inventory.Contracts;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Features.Sync;
using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.Reconciliation;

/// <summary>
/// Runs reconciliations in the background, one at a time per node and one node per job (a lease on the job, renewed by
/// every page's commit, taken over when it lapses). A job pages through legacy's customers (<c>ListCustomers</c>, its
/// keyset cursor), finds each record's person in Dialtone (<see cref="ICustomerRecords.FindBySourceIdAsync"/>; records
/// never migrated are not compared), compares every field by <see cref="LegacyFieldMasters"/> and, by its mode,
/// repairs: Dialtone's state staged for propagation (legacy converges on the fields Dialtone masters), legacy's values of
/// the fields it masters written to Dialtone. Repairs are done before the page's commit and are idempotent, so a page
/// done again after a crash repairs nothing twice and reports nothing twice; while legacy is unreachable the job waits.
/// </summary>
internal sealed partial class ReconciliationRunner(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, IOptions<LegacyOptions> options,
    TimeProvider clock, ILogger<ReconciliationRunner> logger) : BackgroundService
{
    private readonly string node = $"{Environment.ProcessId}:{Guid.NewGuid():N}:{Environment.MachineName}" is var id && id.Length > 100 ? id[..100] : id;
    private readonly SemaphoreSlim poke = new(0);

    /// <summary>The summary's key of records that failed to compare or repair (reason → records); shown as <c>progress.errors</c>.</summary>
    public const string ErrorKey = "error";

    /// <summary>
    /// The summary's key of live legacy records whose person Dialtone cannot find by its legacy id (never migrated —
    /// rejected by the import or added to legacy after the export — or imported before legacy ids were searchable);
    /// shown as <c>progress.notFound</c>.
    /// </summary>
    public const string NotFoundKey = "notFound";

    /// <summary>
    /// The summary's key of live legacy records whose person Dialtone erased while the erasure has not reached legacy yet
    /// (state of the erasure change → records): the erasure removed the person's legacy ids, so they are not compared,
    /// but they are no unknown records either; shown as <c>progress.erasing</c>.
    /// </summary>
    public const string ErasingKey = "erasing";

    /// <summary>
    /// The summary's key of drifting records that no repair can bring back (reason → records), shown as
    /// <c>progress.unrepairable</c>; the reason is <see cref="LegacyPlanDelivery.PlanNotMapped"/> when no legacy plan code
    /// maps to a line's offering (a staged plan change could only be dead-lettered, until the operator maps one).
    /// </summary>
    public const string UnrepairableKey = "unrepairable";

    /// <summary>Wakes the runner at once (a job was just created).</summary>
    public void Poke()
    {
        if (poke.CurrentCount == 0)
        {
            poke.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await readiness.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        var settings = options.Value.Reconciliation;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            try
            {
                if (await ClaimAsync(stoppingToken) is { } jobId)
                {
                    using var activity = new Activity("LegacyReconciliation").SetIdFormat(ActivityIdFormat.W3C).Start();
                    while (await PageAsync(jobId, stoppingToken))
                    {
                        failures = 0;
                    }

                    failures = 0;
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is LegacyUnavailableException or LegacyFaultException { Retryable: true } or DbUpdateConcurrencyException)
            {
                failures++;
                wait = TimeSpan.FromTicks(Math.Min(settings.MaxBackoff.Ticks, settings.PollInterval.Ticks * (1L << Math.Min(failures, 20))));
                LogWaiting(logger, e.GetType().Name);
            }
            catch (Exception e)
            {
                LogFailed(logger, e.GetType().Name, e);
                await FailAsync(e, stoppingToken);
            }

            try
            {
                await poke.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The oldest job to run here: queued, or running on a node whose lease lapsed (or this node's).</summary>
    private async Task<string?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        var now = clock.GetUtcNow();
        var jobs = await db.Reconciliations.Where(r => r.State == ReconciliationStates.Queued || r.State == ReconciliationStates.Running)
            .OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        var job = jobs.FirstOrDefault(r => r.State == ReconciliationStates.Queued || r.LeaseOwner == node || r.LeaseUntil is null || r.LeaseUntil < now);
        if (job is null)
        {
            return null;
        }

        job.State = ReconciliationStates.Running;
        job.StartedAt ??= now;
        job.LeaseOwner = node;
        job.LeaseUntil = now + options.Value.Reconciliation.LeaseDuration;
        job.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return null;
        }

        return job.Id;
    }

    /// <summary>Compares (and repairs) one page of legacy's customers and commits it with the cursor; answers whether there is more.</summary>
    private async Task<bool> PageAsync(string jobId, CancellationToken cancellationToken)
    {
        var settings = options.Value.Reconciliation;
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<LegacyDbContext>();
        var records = services.GetRequiredService<ICustomerRecords>();
        var job = await db.Reconciliations.FirstAsync(r => r.Id == jobId, cancellationToken);
        if (job.State != ReconciliationStates.Running || job.LeaseOwner != node)
        {
            return false;
        }

        var (customers, next) = await services.GetRequiredService<LegacyCustomerService>().ListCustomersAsync(job.Cursor, Math.Clamp(settings.PageSize, 1, 500), cancellationToken);
        var summary = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, int>>>(job.Summary) ?? [];
        var repairLegacy = job.Mode is ReconciliationModes.RepairLegacy or ReconciliationModes.RepairBoth;
        var repairDialtone = job.Mode is ReconciliationModes.RepairDialtone or ReconciliationModes.RepairBoth;
        var toStage = new Dictionary<string, CustomerRecord>(StringComparer.Ordinal);
        var plansToStage = new Dictionary<string, CustomerRecord>(StringComparer.Ordinal);
        var inventory = services.GetRequiredService<IProductInventory>();
        var plans = await LegacyPlanTable.ReadAsync(db, cancellationToken);
        var newest = new Dictionary<string, string?>(StringComparer.Ordinal);
        var service = services.GetRequiredService<LegacyCustomerService>();
        var now = clock.GetUtcNow();
        var traceId = Activity.Current?.TraceId.ToHexString();
        var erasures = await ErasuresOnTheirWayAsync(db, cancellationToken);
        foreach (var legacy in customers)
        {
            job.LegacyRecords++;
            try
            {
                await CompareAsync(legacy);
            }
            catch (Exception e) when (e is not (LegacyUnavailableException or LegacyFaultException { Retryable: true } or DbUpdateConcurrencyException or OperationCanceledException))
            {
                // One bad record does not fail the job: it is counted (progress.errors) and listed with its reason, and the job goes on.
                var reason = e switch
                {
                    LegacyFaultException fault => $"{fault.Code} {fault.Name}",
                    Dialtone.Platform.Tmf.TmfProblemException problem => $"{problem.Status} {problem.Code}",
                    _ => e.GetType().Name,
                };
                var errors = summary.TryGetValue(ErrorKey, out var found) ? found : summary[ErrorKey] = [];
                errors[reason] = errors.GetValueOrDefault(reason) + 1;
                db.Drifts.Add(new LegacyDrift
                {
                    Id = Guid.CreateVersion7(now).ToString(),
                    ReconciliationId = job.Id,
                    LegacyCustomerId = legacy.CustomerId,
                    PartyId = "",
                    Fields = $"{ErrorKey}:{reason}",
                    Repair = "failed",
                    DetectedAt = now,
                });
                LogRecordFailed(logger, job.Id, legacy.CustomerId, reason, e is LegacyFaultException or Dialtone.Platform.Tmf.TmfProblemException ? null : e);
            }
        }

        async Task CompareAsync(LegacyCustomer legacy)
        {
            var person = await records.FindBySourceIdAsync(legacy.CustomerId, cancellationToken);
            if (person is null && !LegacyFields.IsErased(legacy.Status) && erasures.TryGetValue(legacy.CustomerId, out var erasure))
            {
                var erasing = summary.TryGetValue(ErasingKey, out var found) ? found : summary[ErasingKey] = [];
                erasing[erasure] = erasing.GetValueOrDefault(erasure) + 1;
            }
            else if (person is null && !LegacyFields.IsErased(legacy.Status))
            {
                // Not compared, but counted: a record Dialtone cannot find is drift nobody would see otherwise. (An
                // erased legacy record has no person by design: an erasure through Dialtone removes the legacy ids.)
                var notFound = summary.TryGetValue(NotFoundKey, out var found) ? found : summary[NotFoundKey] = [];
                notFound["legacyRecords"] = notFound.GetValueOrDefault("legacyRecords") + 1;
            }

            if (person is null || person.Erased)
            {
                return;
            }

            job.Compared++;
            var erased = LegacyFields.IsErased(legacy.Status);
            var drifting = erased
                ? [new FieldComparison("erasure", LegacyFieldMasters.Dialtone, true, null)]
                : LegacyFieldMasters.Compare(person, legacy, person.SourceIds.Count > 1).Where(c => c.Differs).ToList();
            IReadOnlyList<LegacyPlanDifference> planDifferences = erased ? [] : await LegacyPlans.DifferencesAsync(legacy, plans, inventory, cancellationToken);
            if (planDifferences.Count > 0)
            {
                // A line's plan code that does not map to its product's current offering: Dialtone masters plans, so legacy is repaired.
                drifting.Add(new FieldComparison(LegacyFieldMasters.PlanField, LegacyFieldMasters.Dialtone, true, null));
            }

            // No legacy code maps to a line's offering: the plan delivery would dead-letter it (PLAN_NOT_MAPPED), so nothing
            // is staged; the record is counted unrepairable until the operator maps a code (then a repair stages it).
            var planNotMapped = planDifferences.Any(d => d.WantedCode is null);

            if (drifting.Count == 0)
            {
                return;
            }

            // A person with several legacy records takes the fields legacy masters from one of them only (NewestRecordAsync):
            // the others' differing values are legacy disagreeing with itself, reported toLegacy, never written to Dialtone.
            var outvoted = !erased && person.SourceIds.Count > 1 && drifting.Any(d => d.Master == LegacyFieldMasters.Legacy)
                && !string.Equals(await NewestRecordAsync(person), legacy.CustomerId, StringComparison.Ordinal);
            string DirectionOf(FieldComparison d) =>
                d.Master == LegacyFieldMasters.Dialtone || outvoted ? DriftDirections.ToLegacy : DriftDirections.ToDialtone;

            job.Drifting++;
            var repairs = new List<string>();
            var stageContact = repairLegacy && !erased && drifting.Any(d => d.Master == LegacyFieldMasters.Dialtone && d.Field != LegacyFieldMasters.PlanField);
            var stagePlan = repairLegacy && !erased && planDifferences.Count > 0 && !planNotMapped;
            if (stageContact)
            {
                toStage.TryAdd(person.PartyId, person);
            }

            if (stagePlan)
            {
                plansToStage.TryAdd(person.PartyId, person);
            }

            if (stageContact || stagePlan)
            {
                repairs.Add("stagedForLegacy");
            }

            if (repairDialtone && !outvoted && drifting.Any(d => d.Master == LegacyFieldMasters.Legacy) && await FreshValuesAsync(legacy.CustomerId) is var (partyId, values)
                && await records.UpdateFromSourceAsync(partyId, values, cancellationToken))
            {
                repairs.Add("appliedToDialtone");
            }

            if (repairs.Count > 0)
            {
                job.Repaired++;
            }

            if (planNotMapped)
            {
                var unrepairable = summary.TryGetValue(UnrepairableKey, out var found) ? found : summary[UnrepairableKey] = [];
                unrepairable[LegacyPlanDelivery.PlanNotMapped] = unrepairable.GetValueOrDefault(LegacyPlanDelivery.PlanNotMapped) + 1;
                repairs.Add($"{UnrepairableKey}:{LegacyPlanDelivery.PlanNotMapped}");
            }

            var fields = drifting.Select(d => (d.Field, Direction: DirectionOf(d))).ToList();
            foreach (var (field, direction) in fields)
            {
                var byDirection = summary.TryGetValue(field, out var found) ? found : summary[field] = [];
                byDirection[direction] = byDirection.GetValueOrDefault(direction) + 1;
            }

            var described = string.Join(',', fields.Select(f => $"{f.Field}:{f.Direction}"));
            db.Drifts.Add(new LegacyDrift
            {
                Id = Guid.CreateVersion7(now).ToString(),
                ReconciliationId = job.Id,
                LegacyCustomerId = legacy.CustomerId,
                PartyId = person.PartyId,
                Fields = described,
                Repair = repairs.Count == 0 ? "none" : string.Join(',', repairs),
                DetectedAt = now,
            });
            LogDrift(logger, job.Id, legacy.CustomerId, described, traceId);
        }

        // The legacy id whose values of the fields legacy masters a merged person takes: a live record legacy's users edited
        // since Dialtone last wrote or saw it (its version moved past the sync state's) that Dialtone does not agree with,
        // else the live record Dialtone already agrees with, else the one with the highest version (ties: the lowest id).
        async Task<string?> NewestRecordAsync(CustomerRecord person)
        {
            if (newest.TryGetValue(person.PartyId, out var known))
            {
                return known;
            }

            var candidates = new List<LegacyCustomer>();
            foreach (var id in person.SourceIds)
            {
                try
                {
                    var record = await service.GetCustomerAsync(id, null, cancellationToken);
                    if (!LegacyFields.IsErased(record.Status))
                    {
                        candidates.Add(record);
                    }
                }
                catch (LegacyFaultException e) when (e.Code == LegacyFaultException.RecordNotFound)
                {
                    // Gone from legacy: not a candidate.
                }
            }

            // The record Dialtone already agrees with keeps the part: versions also move with Dialtone's own writes (a
            // delivery writes only the records that differ), so "newest" alone could pass from one record to the other
            // between runs and flip the value back and forth. But a record whose version moved past the one Dialtone last
            // wrote or saw (LegacySyncState.LastVersion) was edited in legacy itself: its differing values are a legacy
            // edit, which the record Dialtone still agrees with must not outvote for ever. Once written to Dialtone, that
            // record is the one Dialtone agrees with, so the runs still converge.
            var ids = candidates.Select(r => r.CustomerId).ToList();
            var seen = await db.SyncStates.AsNoTracking().Where(s => ids.Contains(s.LegacyCustomerId))
                .ToDictionaryAsync(s => s.LegacyCustomerId, s => s.LastVersion, StringComparer.Ordinal, cancellationToken);
            bool Agrees(LegacyCustomer r) => !LegacyFieldMasters.Compare(person, r, merged: true).Any(c => c.Master == LegacyFieldMasters.Legacy && c.Differs);
            var ordered = candidates.OrderByDescending(r => r.Version).ThenBy(r => r.CustomerId, StringComparer.Ordinal).ToList();
            var editedInLegacy = ordered.FirstOrDefault(r => seen.TryGetValue(r.CustomerId, out var version) && r.Version > version && !Agrees(r));
            return newest[person.PartyId] = (editedInLegacy ?? ordered.FirstOrDefault(Agrees) ?? ordered.FirstOrDefault())?.CustomerId;
        }

        // Just before a write to Dialtone, legacy's record and Dialtone's person read again and compared again: the page
        // was read earlier, and the feed may have applied a newer value meanwhile, which the page's value must not overwrite.
        async Task<(string PartyId, SourceMasteredValues Values)?> FreshValuesAsync(string legacyId)
        {
            LegacyCustomer fresh;
            try
            {
                fresh = await service.GetCustomerAsync(legacyId, null, cancellationToken);
            }
            catch (LegacyFaultException e) when (e.Code == LegacyFaultException.RecordNotFound)
            {
                return null;
            }

            var person = await records.FindBySourceIdAsync(legacyId, cancellationToken);
            if (person is null || person.Erased || LegacyFields.IsErased(fresh.Status))
            {
                return null;
            }

            var still = LegacyFieldMasters.Compare(person, fresh, person.SourceIds.Count > 1).Where(c => c.Differs && c.Master == LegacyFieldMasters.Legacy).Select(c => c.Field);
            return LegacyFieldMasters.MasteredValues(fresh, still) is { } values ? (person.PartyId, values) : null;
        }

        // Each repair commits on its own before the page: a page done again after a crash stages the current state again, which is harmless.
        foreach (var (person, kind) in toStage.Values.Select(p => (p, LegacyChangeKinds.Contact)).Concat(plansToStage.Values.Select(p => (p, LegacyChangeKinds.Plan))))
        {
            await using var staging = scopes.CreateAsyncScope();
            await LegacyChangeStaging.StageAsync(staging.ServiceProvider, person.PartyId, kind, person.SourceIds,
                Activity.Current?.Id is { Length: 55 } traceparent ? traceparent : null, clock, cancellationToken);
        }

        job.Cursor = next;
        job.Pages++;
        job.Summary = JsonSerializer.Serialize(summary);
        job.LeaseUntil = clock.GetUtcNow() + settings.LeaseDuration;
        job.Version++;
        if (next is null)
        {
            job.State = ReconciliationStates.Completed;
            job.CompletedAt = clock.GetUtcNow();
            job.LeaseOwner = null;
            LogCompleted(logger, job.Id, job.Mode, job.Compared, job.Drifting, job.Repaired, traceId);
        }

        await db.SaveChangesAsync(cancellationToken);
        return next is not null;
    }

    /// <summary>The legacy ids of erasures staged but not delivered, with the state of their change.</summary>
    private static async Task<Dictionary<string, string>> ErasuresOnTheirWayAsync(LegacyDbContext db, CancellationToken cancellationToken)
    {
        var staged = await db.Changes.AsNoTracking().Where(c => c.Kind == LegacyChangeKinds.Erasure && c.State != LegacyChangeStates.Delivered && c.State != LegacyChangeStates.Abandoned)
            .OrderBy(c => c.ChangedAt).Select(c => new { c.LegacyCustomerIds, c.State }).ToListAsync(cancellationToken);
        var erasures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var change in staged)
        {
            foreach (var legacyId in change.LegacyCustomerIds.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                erasures[legacyId] = change.State;
            }
        }

        return erasures;
    }

    private async Task FailAsync(Exception e, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            foreach (var job in await db.Reconciliations.Where(r => r.State == ReconciliationStates.Running && r.LeaseOwner == node).ToListAsync(cancellationToken))
            {
                job.State = ReconciliationStates.Failed;
                job.Failure = e is LegacyFaultException fault ? $"{fault.Code} {fault.Name}" : e.GetType().Name;
                job.CompletedAt = clock.GetUtcNow();
                job.LeaseOwner = null;
                job.Version++;
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception inner) when (inner is not OperationCanceledException)
        {
            // The database is unavailable: the job's lease lapses and a node takes it up again.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation {ReconciliationId}: legacy record {LegacyCustomerId} drifts ({Fields}), trace {TraceId}")]
    private static partial void LogDrift(ILogger logger, string reconciliationId, string legacyCustomerId, string fields, string? traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation {ReconciliationId} ({Mode}) completed: {Compared} records compared, {Drifting} drifting, {Repaired} repaired, trace {TraceId}")]
    private static partial void LogCompleted(ILogger logger, string reconciliationId, string mode, int compared, int drifting, int repaired, string? traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation {ReconciliationId}: legacy record {LegacyCustomerId} failed ({Reason}); the job goes on")]
    private static partial void LogRecordFailed(ILogger logger, string reconciliationId, string legacyCustomerId, string reason, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation waits for legacy ({Reason})")]
    private static partial void LogWaiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation failed ({Reason})")]
    private static partial void LogFailed(ILogger logger, string reason, Exception exception);
}
