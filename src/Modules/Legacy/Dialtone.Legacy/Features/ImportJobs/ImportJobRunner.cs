using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Dialtone.Accounts.Contracts;
using Dialtone.Legacy.Contracts;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Import;
using Dialtone.Legacy.Persistence;
using Dialtone.Ordering.Contracts;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Legacy.Features.ImportJobs;

/// <summary>
/// Runs import jobs in the background, one at a time, and picks up after a restart where the last committed batch left
/// off: a job found <c>running</c> at start was interrupted, and resumes at its checkpoint. Each batch is one
/// transaction per module (parties, then accounts, then the lines' migration orders), then the checkpoint with the
/// batch's rejected lines; a batch that committed in one module but not the next is simply loaded again, since every
/// module's import is idempotent by legacy id.
/// </summary>
internal sealed partial class ImportJobRunner(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, IHttpClientFactory http,
    IOptions<LegacyOptions> options, LegacyMetrics metrics, PersonalDataProtector protector, TimeProvider clock, ILogger<ImportJobRunner> logger) : BackgroundService
{
    public const string Source = "legacy";

    private readonly Channel<bool> wakeUp = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Poke() => wakeUp.Writer.TryWrite(true);

    public string SpoolPathOf(string jobId) => Path.Combine(options.Value.SpoolDirectory, jobId + ".csv");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await readiness.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            string? jobId;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
                jobId = await db.ImportJobs
                    .Where(j => j.State == ImportJobStates.Queued || j.State == ImportJobStates.Running)
                    .OrderBy(j => j.CreatedAt).Select(j => j.Id).FirstOrDefaultAsync(stoppingToken);
            }

            if (jobId is null)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await wakeUp.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }

                continue;
            }

            try
            {
                await RunAsync(jobId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFailed(logger, exception, jobId);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
                var job = await db.ImportJobs.SingleAsync(j => j.Id == jobId, CancellationToken.None);
                job.State = ImportJobStates.Failed;
                job.FinishedAt = clock.GetUtcNow();
                job.Failure = Truncate($"{exception.GetType().Name}: {exception.Message}", 1000);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            finally
            {
                metrics.ImportStopped();
            }
        }
    }

    private async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        var spool = SpoolPathOf(jobId);
        ImportJob job;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            job = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken);
        }

        if (!File.Exists(spool))
        {
            if (job.SourceKind != ImportSources.LegacySystem)
            {
                throw new InvalidDataException("The uploaded export is no longer in the spool directory.");
            }

            job.LegacyWatermark = await DownloadAsync(job.SourceUrl!, spool, cancellationToken);
        }
        else if (!ImportSpool.IsEncrypted(spool))
        {
            // A job interrupted on a build that spooled the export in clear: the same snapshot, encrypted before it is read.
            await ImportSpool.EncryptInPlaceAsync(spool, protector, cancellationToken);
        }

        TranslatedExport export;
        using (var reader = new StreamReader(ImportSpool.OpenRead(spool, protector), System.Text.Encoding.UTF8))
        {
            export = LegacyCustomerTranslator.Translate(reader);
        }

        var batchSize = job.BatchSize;
        var batches = export.Customers.Chunk(batchSize).ToList();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            var tracked = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
            tracked.Attempts++;
            tracked.LegacyWatermark ??= job.LegacyWatermark;
            if (tracked.State == ImportJobStates.Queued)
            {
                // The report and the totals once, with the state change: a resumed job finds them written.
                await db.ImportJobIssues.Where(i => i.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
                db.ImportJobIssues.AddRange(export.Issues.Select(i => new ImportJobIssue
                {
                    JobId = jobId, RowNumber = i.RowNumber, LegacyCustomerId = i.LegacyCustomerId, Field = i.Field, Reason = i.Reason, Value = i.Value,
                    Severity = i.Rejected ? "rejected" : "warning",
                }));
                tracked.State = ImportJobStates.Running;
                tracked.StartedAt = clock.GetUtcNow();
                tracked.RowsTotal = export.RowsRead;
                tracked.LegacyRecords = export.LegacyRecords;
                tracked.CustomersTotal = export.Customers.Count;
                tracked.RejectedRows = export.RejectedRows;
                tracked.RejectedRecords = export.RejectedRecords;
                tracked.Warnings = export.Issues.Count - export.RejectedRows;
                tracked.DuplicatesMerged = export.DuplicatesMerged;
                tracked.BatchCount = batches.Count;
                tracked.RowsDone = export.RowsRead - export.Customers.Sum(RowsOf);
                tracked.LinesTotal = LinesOf(export.Customers).Count(l => l.Status != Terminated);
                tracked.LinesTerminated = LinesOf(export.Customers).Count(l => l.Status == Terminated);
            }
            else if (tracked.BatchCount != batches.Count || tracked.CustomersTotal != export.Customers.Count)
            {
                throw new InvalidDataException("The spooled export no longer translates as it did when the job started; start a new job.");
            }

            await db.SaveChangesAsync(cancellationToken);
            job = tracked;
        }

        LogStarting(logger, jobId, job.NextBatch, job.BatchCount, job.CustomersTotal);
        for (var index = job.NextBatch; index < batches.Count; index++)
        {
            var started = Stopwatch.GetTimestamp();
            var loaded = await LoadBatchAsync(jobId, batches[index], cancellationToken);
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            var tracked = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
            tracked.NextBatch = index + 1;
            tracked.CustomersImported += batches[index].Length;
            tracked.CustomersCreated += loaded.CustomersCreated;
            tracked.BillingAccountsImported += loaded.Accounts;
            tracked.LinesImported += loaded.LinesImported;
            tracked.LinesCreated += loaded.LinesCreated;
            tracked.LinesRejected += loaded.RejectedLines.Count;
            tracked.RejectedRows += loaded.RejectedLines.Count;
            db.ImportJobIssues.AddRange(loaded.RejectedLines);
            tracked.RowsDone += batches[index].Sum(RowsOf);
            tracked.LoadingMilliseconds += elapsed;
            await db.SaveChangesAsync(cancellationToken);
            metrics.ImportBatch(batches[index].Sum(RowsOf), batches[index].Length, loaded.RejectedLines.Count, Stopwatch.GetElapsedTime(started));
            var view = ImportJobView.Of(tracked);
            LogProgress(logger, jobId, tracked.NextBatch, tracked.BatchCount, tracked.RowsDone, tracked.RowsTotal, view.RowsPerSecond, tracked.RejectedRows, view.EtaSeconds,
                loaded.PartiesMilliseconds, loaded.AccountsMilliseconds, elapsed - loaded.PartiesMilliseconds - loaded.AccountsMilliseconds);
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<LegacyDbContext>>();
            var tracked = await outbox.DbContext.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
            tracked.State = ImportJobStates.Completed;
            tracked.FinishedAt = clock.GetUtcNow();
            tracked.RowsDone = tracked.RowsTotal;
            await outbox.PublishAsync(new LegacyImportCompleted(jobId, tracked.FinishedAt.Value, tracked.CustomersImported, tracked.CustomersCreated,
                tracked.BillingAccountsImported, tracked.RejectedRows, tracked.DuplicatesMerged, tracked.LegacyWatermark, tracked.LinesImported));
            await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
            LogCompleted(logger, jobId, tracked.CustomersImported, tracked.CustomersCreated, tracked.BillingAccountsImported, tracked.LinesImported, tracked.LinesCreated, tracked.RejectedRows,
                tracked.DuplicatesMerged);
        }

        // The spool holds the export's personal data (encrypted): gone as soon as it is no longer needed for a resume.
        File.Delete(spool);
    }

    private async Task<LoadedBatch> LoadBatchAsync(string jobId, MigratedCustomer[] batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var customers = await scope.ServiceProvider.GetRequiredService<ICustomerBatchImport>().ImportAsync(Source, [.. batch.Select(RecordOf)], cancellationToken);
        var partiesMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var accounts = new List<BillingAccountImportRecord>();
        for (var i = 0; i < batch.Length; i++)
        {
            var customer = batch[i];
            accounts.AddRange(customer.Accounts.Select(a => new BillingAccountImportRecord(
                a.LegacyAccountId, customers[i].PartyId, $"{customer.GivenName} {customer.FamilyName}", customers[i].CustomerNumber, a.State, a.PaymentMethod, a.BillCycleDay)));
        }

        var imported = accounts.Count == 0 ? [] : await scope.ServiceProvider.GetRequiredService<IBillingAccountBatchImport>().ImportAsync(Source, accounts, cancellationToken);
        var accountsMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds - partiesMs;
        var (linesImported, linesCreated, rejected) = await MigrateLinesAsync(scope.ServiceProvider, jobId, batch, customers, imported, cancellationToken);
        return new LoadedBatch(customers.Count(c => c.Created), imported.Count, linesImported, linesCreated, rejected, partiesMs, accountsMs);
    }

    /// <summary>
    /// The batch's live lines through ordering's migration orders (ADR 0016), each with the offering its legacy plan code
    /// maps to (the table as it is now); a line whose plan code is not mapped, or that ordering refuses, is a rejected
    /// row of the report (committed with the checkpoint), and a later job migrates it once the operator has fixed the cause.
    /// </summary>
    private static async Task<(int Imported, int Created, List<ImportJobIssue> Rejected)> MigrateLinesAsync(IServiceProvider services, string jobId, MigratedCustomer[] batch,
        IReadOnlyList<ImportedCustomer> customers, IReadOnlyList<ImportedBillingAccount> accounts, CancellationToken cancellationToken)
    {
        var mappings = await services.GetRequiredService<LegacyDbContext>().PlanMappings.AsNoTracking()
            .ToDictionaryAsync(m => m.LegacyPlanCode, m => m.ProductOfferingId, StringComparer.Ordinal, cancellationToken);
        var accountIds = accounts.ToDictionary(a => a.SourceAccountId, a => a.BillingAccountId, StringComparer.Ordinal);
        var rejected = new List<ImportJobIssue>();
        var lines = new List<(MigratedLine Line, MigratedAccount Account)>();
        var orders = new List<MigrationLine>();
        for (var i = 0; i < batch.Length; i++)
        {
            foreach (var account in batch[i].Accounts)
            {
                foreach (var line in account.Lines.Where(l => l.Status != Terminated))
                {
                    if (line.PlanCode is not { Length: > 0 } code || !mappings.TryGetValue(code, out var offering))
                    {
                        rejected.Add(Issue(jobId, line, account, "PLAN_CODE", line.PlanCode is { Length: > 0 }
                            ? $"subscription {line.LegacySubscriptionId}: legacy plan code '{line.PlanCode}' has no catalog offering in the plan mapping (PUT /admin/legacy/planMappings); the line was not migrated"
                            : $"subscription {line.LegacySubscriptionId}: no legacy plan code; the line was not migrated", line.PlanCode));
                        continue;
                    }

                    lines.Add((line, account));
                    orders.Add(new MigrationLine(line.LegacySubscriptionId, customers[i].PartyId, accountIds.GetValueOrDefault(account.LegacyAccountId), offering, line.Msisdn, line.Status,
                        line.ActivatedOn, $"Migration of legacy subscription {line.LegacySubscriptionId} (legacy plan code {code}, account {account.LegacyAccountId})"));
                }
            }
        }

        if (orders.Count == 0)
        {
            return (0, 0, rejected);
        }

        var outcomes = await services.GetRequiredService<IMigrationOrderBatch>().MigrateAsync(Source, orders, cancellationToken);
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Outcome == MigrationOutcomes.Rejected)
            {
                var (line, account) = lines[i];
                var msisdn = outcomes[i].ReasonCode is "MSISDN_TAKEN" or "INVALID_MSISDN";
                rejected.Add(Issue(jobId, line, account, msisdn ? "MSISDN" : "PLAN_CODE",
                    $"subscription {line.LegacySubscriptionId}: {outcomes[i].Reason} ({outcomes[i].ReasonCode}); the line was not migrated", msisdn ? LegacyValues.MaskPhone(line.Msisdn) : line.PlanCode));
            }
        }

        return (outcomes.Count(o => o.Outcome != MigrationOutcomes.Rejected), outcomes.Count(o => o.Outcome == MigrationOutcomes.Created), rejected);
    }

    private static ImportJobIssue Issue(string jobId, MigratedLine line, MigratedAccount account, string field, string reason, string? value) => new()
    {
        JobId = jobId,
        RowNumber = line.RowNumber,
        LegacyCustomerId = account.LegacyCustomerId,
        Field = field,
        Reason = Truncate(reason, 300),
        Value = value is null ? null : Truncate(value, 100),
        Severity = "rejected",
    };

    private static IEnumerable<MigratedLine> LinesOf(IEnumerable<MigratedCustomer> customers) => customers.SelectMany(c => c.Accounts).SelectMany(a => a.Lines);

    private const string Terminated = "terminated";

    private sealed record LoadedBatch(int CustomersCreated, int Accounts, int LinesImported, int LinesCreated, List<ImportJobIssue> RejectedLines, long PartiesMilliseconds, long AccountsMilliseconds);

    private static CustomerImportRecord RecordOf(MigratedCustomer customer) => new(
        customer.LegacyId,
        customer.MergedLegacyIds,
        customer.GivenName,
        customer.FamilyName,
        customer.BirthDate,
        customer.Email,
        customer.Phone,
        customer.Address is { } a ? new PostalAddressImport(a.Street, a.PostCode, a.City, a.Country, a.FreeText) : null,
        "validated",
        customer.Status switch
        {
            CustomerStatus.Active => "Approved",
            CustomerStatus.Suspended => "Suspended",
            CustomerStatus.Blocked => "Blocked",
            CustomerStatus.Prospect => "Prospect",
            _ => "Terminated",
        });

    private static long RowsOf(MigratedCustomer customer) => customer.Accounts.Sum(a => Math.Max(1, a.Lines.Count));

    private async Task<long?> DownloadAsync(string baseUrl, string spool, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(spool)!);
        using var client = http.CreateClient(nameof(ImportJobRunner));
        using var response = await client.GetAsync(new Uri(new Uri(baseUrl), "admin/export"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            await ImportSpool.WriteAsync(body, spool, protector, long.MaxValue, cancellationToken);
        }

        return response.Headers.TryGetValues("X-Legacy-Watermark", out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var mark) ? mark : null;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy import {JobId} starts at batch {Batch} of {BatchCount} ({Customers} customers)")]
    private static partial void LogStarting(ILogger logger, string jobId, int batch, int batchCount, int customers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy import {JobId}: batch {Batch}/{BatchCount}, rows {RowsDone}/{RowsTotal}, {RowsPerSecond} rows/s, {Rejected} rejected, ETA {EtaSeconds} s (parties {PartiesMs} ms, accounts {AccountsMs} ms, lines {LinesMs} ms)")]
    private static partial void LogProgress(ILogger logger, string jobId, int batch, int batchCount, long rowsDone, long rowsTotal, double rowsPerSecond, int rejected, double? etaSeconds, long partiesMs,
        long accountsMs, long linesMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy import {JobId} completed: {Customers} customers ({Created} created now), {Accounts} billing accounts, {Lines} lines ({LinesCreated} migrated now), {Rejected} rows rejected, {Merged} duplicates merged")]
    private static partial void LogCompleted(ILogger logger, string jobId, int customers, int created, int accounts, int lines, int linesCreated, int rejected, int merged);

    [LoggerMessage(Level = LogLevel.Error, Message = "Legacy import {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);
}
