using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Dialtone.Accounts.Contracts;
using Dialtone.Legacy.Contracts;
using Dialtone.Legacy.Import;
using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Persistence;
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
/// transaction per module (parties, then accounts), then the checkpoint; a batch that committed in one module but not
/// the next is simply loaded again, since every module's import is idempotent by legacy id.
/// </summary>
internal sealed partial class ImportJobRunner(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness, IHttpClientFactory http,
    IOptions<LegacyOptions> options, TimeProvider clock, ILogger<ImportJobRunner> logger) : BackgroundService
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

        TranslatedExport export;
        using (var reader = new StreamReader(spool, System.Text.Encoding.UTF8))
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
            var (created, accounts, partiesMs) = await LoadBatchAsync(batches[index], cancellationToken);
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            var tracked = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
            tracked.NextBatch = index + 1;
            tracked.CustomersImported += batches[index].Length;
            tracked.CustomersCreated += created;
            tracked.BillingAccountsImported += accounts;
            tracked.RowsDone += batches[index].Sum(RowsOf);
            tracked.LoadingMilliseconds += elapsed;
            await db.SaveChangesAsync(cancellationToken);
            var view = ImportJobView.Of(tracked);
            LogProgress(logger, jobId, tracked.NextBatch, tracked.BatchCount, tracked.RowsDone, tracked.RowsTotal, view.RowsPerSecond, tracked.RejectedRows, view.EtaSeconds, partiesMs, elapsed - partiesMs);
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<LegacyDbContext>>();
            var tracked = await outbox.DbContext.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
            tracked.State = ImportJobStates.Completed;
            tracked.FinishedAt = clock.GetUtcNow();
            tracked.RowsDone = tracked.RowsTotal;
            await outbox.PublishAsync(new LegacyImportCompleted(jobId, tracked.FinishedAt.Value, tracked.CustomersImported, tracked.CustomersCreated,
                tracked.BillingAccountsImported, tracked.RejectedRows, tracked.DuplicatesMerged, tracked.LegacyWatermark));
            await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
            LogCompleted(logger, jobId, tracked.CustomersImported, tracked.CustomersCreated, tracked.BillingAccountsImported, tracked.RejectedRows, tracked.DuplicatesMerged);
        }

        // The spool holds the export's personal data in clear: gone as soon as it is no longer needed for a resume.
        File.Delete(spool);
    }

    private async Task<(int Created, int Accounts, long PartiesMilliseconds)> LoadBatchAsync(MigratedCustomer[] batch, CancellationToken cancellationToken)
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
        return (customers.Count(c => c.Created), imported.Count, partiesMs);
    }

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
        var partial = spool + ".part";
        await using (var file = File.Create(partial))
        {
            await response.Content.CopyToAsync(file, cancellationToken);
        }

        File.Move(partial, spool, overwrite: true);
        return response.Headers.TryGetValues("X-Legacy-Watermark", out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var mark) ? mark : null;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy import {JobId} starts at batch {Batch} of {BatchCount} ({Customers} customers)")]
    private static partial void LogStarting(ILogger logger, string jobId, int batch, int batchCount, int customers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy import {JobId}: batch {Batch}/{BatchCount}, rows {RowsDone}/{RowsTotal}, {RowsPerSecond} rows/s, {Rejected} rejected, ETA {EtaSeconds} s (parties {PartiesMs} ms, accounts {AccountsMs} ms)")]
    private static partial void LogProgress(ILogger logger, string jobId, int batch, int batchCount, long rowsDone, long rowsTotal, double rowsPerSecond, int rejected, double? etaSeconds, long partiesMs, long accountsMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy import {JobId} completed: {Customers} customers ({Created} created now), {Accounts} billing accounts, {Rejected} rows rejected, {Merged} duplicates merged")]
    private static partial void LogCompleted(ILogger logger, string jobId, int customers, int created, int accounts, int rejected, int merged);

    [LoggerMessage(Level = LogLevel.Error, Message = "Legacy import {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);
}
