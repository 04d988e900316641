using System.Text.Json.Serialization;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Features.ImportJobs;

/// <summary>How to start a job: from the legacy system's export (default), with an optional batch size.</summary>
internal sealed record StartImportJob(
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("batchSize")] int? BatchSize);

/// <summary>An import job as the operator sees it: state, counts, checkpoint, speed and ETA.</summary>
internal sealed record ImportJobView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("href")] string Href,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finishedAt")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("rowsTotal")] long RowsTotal,
    [property: JsonPropertyName("rowsRead")] long RowsRead,
    [property: JsonPropertyName("legacyRecords")] int LegacyRecords,
    [property: JsonPropertyName("customersTotal")] int CustomersTotal,
    [property: JsonPropertyName("customersImported")] int CustomersImported,
    [property: JsonPropertyName("customersCreated")] int CustomersCreated,
    [property: JsonPropertyName("billingAccountsImported")] int BillingAccountsImported,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("rejectedRecords")] int RejectedRecords,
    [property: JsonPropertyName("warnings")] int Warnings,
    [property: JsonPropertyName("duplicatesMerged")] int DuplicatesMerged,
    [property: JsonPropertyName("rowsPerSecond")] double RowsPerSecond,
    [property: JsonPropertyName("customersPerSecond")] double CustomersPerSecond,
    [property: JsonPropertyName("etaSeconds")] double? EtaSeconds,
    [property: JsonPropertyName("checkpoint")] ImportCheckpoint Checkpoint,
    [property: JsonPropertyName("legacyWatermark")] long? LegacyWatermark,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("failure")] string? Failure,
    [property: JsonPropertyName("lines")] ImportLineCounts Lines)
{
    public static ImportJobView Of(ImportJob job)
    {
        var seconds = job.LoadingMilliseconds / 1000.0;
        var rate = seconds > 0 ? Math.Round(job.RowsDone / seconds, 1) : 0;
        double? eta = job.State == ImportJobStates.Completed ? 0 : rate > 0 ? Math.Round((job.RowsTotal - job.RowsDone) / rate, 1) : null;
        return new ImportJobView(job.Id, $"/admin/legacy/importJobs/{job.Id}", job.State, job.SourceKind, job.CreatedAt, job.StartedAt, job.FinishedAt,
            job.RowsTotal, job.RowsDone, job.LegacyRecords, job.CustomersTotal, job.CustomersImported, job.CustomersCreated, job.BillingAccountsImported,
            job.RejectedRows, job.RejectedRecords, job.Warnings, job.DuplicatesMerged, rate, seconds > 0 ? Math.Round(job.CustomersImported / seconds, 1) : 0, eta,
            new ImportCheckpoint(job.NextBatch, job.BatchCount, job.BatchSize), job.LegacyWatermark, job.Attempts, job.Failure,
            new ImportLineCounts(job.LinesTotal, job.LinesImported, job.LinesCreated, job.LinesRejected, job.LinesTerminated));
    }
}

/// <summary>
/// The lines (legacy subscriptions) of the job: <c>total</c> live lines that passed translation, <c>imported</c> in
/// inventory through a migration order after the batches done so far (<c>created</c> by this run), <c>rejected</c>
/// while loading (in the error report), <c>terminated</c> in legacy and so not migrated.
/// </summary>
internal sealed record ImportLineCounts(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("imported")] int Imported,
    [property: JsonPropertyName("created")] int Created,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("terminated")] int Terminated);

/// <summary>The checkpoint: batches before <c>NextBatch</c> have committed in every module.</summary>
internal sealed record ImportCheckpoint(
    [property: JsonPropertyName("nextBatch")] int NextBatch,
    [property: JsonPropertyName("batchCount")] int BatchCount,
    [property: JsonPropertyName("batchSize")] int BatchSize);

/// <summary>One row of the error report; <c>value</c> is masked (an email as j***@example.com, a number by its last two digits).</summary>
internal sealed record ImportIssueView(
    [property: JsonPropertyName("rowNumber")] long RowNumber,
    [property: JsonPropertyName("legacyCustomerId")] string LegacyCustomerId,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("value")] string? Value);

/// <summary>The import job resource: start a job (from the legacy system or an uploaded export), follow it, read its error report. Admins only.</summary>
internal static class ImportJobEndpoints
{
    private const string JobResource = "importJob";

    public static IEndpointRouteBuilder MapImportJobs(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/legacy/importJobs").WithTags("Legacy").RequireAuthorization(DialtonePolicies.Admin);

        group.MapPost("", StartAsync)
            .WithName("startLegacyImportJob")
            .WithSummary("Start a bulk import of the legacy export: JSON {\"source\":\"legacySystem\",\"batchSize\":1000} reads Dialtone:Legacy:BaseUrl's export; a text/csv body is an uploaded export")
            .Accepts<StartImportJob>("application/json", "text/csv")
            .Produces<ImportJobView>(StatusCodes.Status202Accepted)
            .ProducesTmfErrors(400, 401, 403, 409, 413, 415);

        group.MapGet("{id}", async (string id, LegacyDbContext db, CancellationToken ct) =>
                Results.Json(ImportJobView.Of(await FindAsync(db, id, ct)), TmfJson.Options))
            .WithName("getLegacyImportJob")
            .WithSummary("An import job: state, rows read, customers imported, rejected, duplicates merged, rows/s, ETA, checkpoint")
            .Produces<ImportJobView>()
            .ProducesTmfErrors(401, 403, 404);

        group.MapGet("{id}/errors", async (string id, int? offset, int? limit, string? severity, LegacyDbContext db, HttpContext http, CancellationToken ct) =>
            {
                await FindAsync(db, id, ct);
                if (offset < 0 || limit is < 1 or > 5000 || severity is not (null or "rejected" or "warning"))
                {
                    throw TmfProblemException.BadRequest("INVALID_PARAMETER", "'offset' is 0 or more, 'limit' 1–5000, 'severity' rejected or warning.");
                }

                var issues = db.ImportJobIssues.AsNoTracking().Where(i => i.JobId == id);
                if (severity is not null)
                {
                    issues = issues.Where(i => i.Severity == severity);
                }

                http.Response.Headers["X-Total-Count"] = (await issues.CountAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var page = await issues.OrderBy(i => i.RowNumber).ThenBy(i => i.Id).Skip(offset ?? 0).Take(limit ?? 1000)
                    .Select(i => new ImportIssueView(i.RowNumber, i.LegacyCustomerId, i.Field, i.Severity, i.Reason, i.Value)).ToListAsync(ct);
                return Results.Json(page, TmfJson.Options);
            })
            .WithName("listLegacyImportJobErrors")
            .WithSummary("The job's error report: every rejected row (and every warning) with its reason; personal data masked")
            .Produces<List<ImportIssueView>>()
            .ProducesTmfErrors(400, 401, 403, 404);

        return endpoints;
    }

    private static async Task<IResult> StartAsync(HttpContext http, LegacyDbContext db, ImportJobRunner runner, IOptions<LegacyOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var settings = options.Value;
        var request = http.Request;
        var upload = request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true;
        StartImportJob start;
        if (upload)
        {
            var size = request.Query["batchSize"].ToString();
            start = new StartImportJob(ImportSources.Upload, size.Length == 0 ? null : int.TryParse(size, out var n) ? n : -1);
        }
        else
        {
            start = TmfRepresentation.FromJson<StartImportJob>(await TmfBody.ReadObjectAsync(request, ct));
        }

        if (start.Source is not (null or ImportSources.LegacySystem or ImportSources.Upload) || (start.Source == ImportSources.Upload && !upload))
        {
            throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", "'source' is legacySystem (the legacy system's export); to upload an export, POST it as text/csv.");
        }

        if (start.BatchSize is { } batch && batch is < 500 or > 1000)
        {
            throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", "'batchSize' is 500–1000 customers.");
        }

        if (await db.ImportJobs.AnyAsync(j => j.State == ImportJobStates.Queued || j.State == ImportJobStates.Running, ct))
        {
            throw TmfProblemException.Conflict("IMPORT_RUNNING", "An import job is queued or running; wait for it to finish.");
        }

        var now = clock.GetUtcNow();
        var job = new ImportJob
        {
            Id = Guid.CreateVersion7(now).ToString(),
            CreatedAt = now,
            CreatedBy = Caller.From(http.User).OwnerKey,
            SourceKind = upload ? ImportSources.Upload : ImportSources.LegacySystem,
            SourceUrl = upload ? null : settings.BaseUrl,
            BatchSize = start.BatchSize ?? Math.Clamp(settings.ImportBatchSize, 500, 1000),
        };

        if (upload)
        {
            var spool = runner.SpoolPathOf(job.Id);
            Directory.CreateDirectory(Path.GetDirectoryName(spool)!);
            if (request.ContentLength > settings.MaxUploadBytes)
            {
                throw new TmfProblemException(413, "EXPORT_TOO_LARGE", "Payload too large", $"An uploaded export is at most {settings.MaxUploadBytes:N0} bytes.");
            }

            // Kestrel's limit for every other body (TmfBody.MaxBytes, 1 MiB) would refuse an export: this body may be as large as the setting.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = settings.MaxUploadBytes;
            }

            // The export is personal data: it is spooled encrypted (ImportSpool), never in clear.
            var protector = http.RequestServices.GetRequiredService<PersonalDataProtector>();
            try
            {
                await ImportSpool.WriteAsync(request.Body, spool, protector, settings.MaxUploadBytes, ct);
            }
            catch (ImportSpool.ExportTooLargeException)
            {
                throw new TmfProblemException(413, "EXPORT_TOO_LARGE", "Payload too large", $"An uploaded export is at most {settings.MaxUploadBytes:N0} bytes.");
            }

            try
            {
                using var check = new StreamReader(ImportSpool.OpenRead(spool, protector));
                new Import.LegacyExportReader(check).ReadHeader();
            }
            catch (InvalidDataException exception)
            {
                File.Delete(spool);
                throw TmfProblemException.BadRequest("INVALID_EXPORT", exception.Message);
            }
        }

        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        runner.Poke();
        var view = ImportJobView.Of(job);
        http.Response.Headers.Location = view.Href;
        return Results.Json(view, TmfJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<ImportJob> FindAsync(LegacyDbContext db, string id, CancellationToken ct) =>
        await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw TmfProblemException.NotFound(JobResource, id);
}
