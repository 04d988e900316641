namespace Dialtone.Legacy.Features.ImportJobs;

/// <summary>
/// One bulk import of the legacy export: where it reads from, how far it got (<see cref="NextBatch"/> is the checkpoint:
/// every batch before it has committed in every module), and its counts. The export is spooled to the data folder at
/// the start so a resumed job reads the same snapshot.
/// </summary>
internal sealed class ImportJob
{
    public string Id { get; set; } = "";

    public string State { get; set; } = ImportJobStates.Queued;

    public string SourceKind { get; set; } = ImportSources.LegacySystem;

    public string? SourceUrl { get; set; }

    public string? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int BatchSize { get; set; }

    public long? LegacyWatermark { get; set; }

    public long RowsTotal { get; set; }

    public long RowsDone { get; set; }

    public int LegacyRecords { get; set; }

    public int CustomersTotal { get; set; }

    public int CustomersImported { get; set; }

    public int CustomersCreated { get; set; }

    public int BillingAccountsImported { get; set; }

    public int RejectedRows { get; set; }

    /// <summary>Live legacy lines (active or suspended) in the export that passed translation: what the migration orders try to bring in.</summary>
    public int LinesTotal { get; set; }

    /// <summary>Lines in Dialtone's inventory after the job's batches so far (migrated now or by an earlier run).</summary>
    public int LinesImported { get; set; }

    /// <summary>Lines this run migrated.</summary>
    public int LinesCreated { get; set; }

    /// <summary>Lines rejected while loading (plan code not mapped, number taken); each is a row of the error report.</summary>
    public int LinesRejected { get; set; }

    /// <summary>Terminated legacy lines (cancelled, ported out): not migrated.</summary>
    public int LinesTerminated { get; set; }

    public int RejectedRecords { get; set; }

    public int Warnings { get; set; }

    public int DuplicatesMerged { get; set; }

    public int BatchCount { get; set; }

    public int NextBatch { get; set; }

    /// <summary>Time spent loading batches (over every run of the job), for rows/s and the ETA.</summary>
    public long LoadingMilliseconds { get; set; }

    public int Attempts { get; set; }

    public string? Failure { get; set; }

    public long Version { get; set; }
}

/// <summary>One finding of the error report (see <see cref="Import.ImportIssue"/>).</summary>
internal sealed class ImportJobIssue
{
    public long Id { get; set; }

    public string JobId { get; set; } = "";

    public long RowNumber { get; set; }

    public string LegacyCustomerId { get; set; } = "";

    public string Field { get; set; } = "";

    public string Reason { get; set; } = "";

    public string? Value { get; set; }

    public string Severity { get; set; } = "";
}

internal static class ImportJobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

internal static class ImportSources
{
    public const string LegacySystem = "legacySystem";
    public const string Upload = "upload";
}
