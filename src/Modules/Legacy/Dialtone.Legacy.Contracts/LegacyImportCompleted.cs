namespace Dialtone.Legacy.Contracts;

/// <summary>
/// Published once per bulk import job when it has loaded the whole legacy export, instead of an event per record:
/// counts and the export's watermark (where following legacy's change feed starts). Ids and counts only.
/// </summary>
/// <param name="JobId">The import job.</param>
/// <param name="CompletedAt">When the last batch committed.</param>
/// <param name="CustomersImported">Customers in Dialtone after the job (created now or by an earlier run).</param>
/// <param name="CustomersCreated">Customers this run created (0 when the export had been imported before).</param>
/// <param name="BillingAccountsImported">Billing accounts in Dialtone after the job.</param>
/// <param name="RejectedRows">Export rows rejected (in the job's error report).</param>
/// <param name="DuplicatesMerged">Legacy customer records folded into another (ADR 0015).</param>
/// <param name="LegacyWatermark">The export's change-feed watermark, when the source said.</param>
/// <param name="LinesImported">Lines in Dialtone's inventory after the job, each through a completed migration order.</param>
public sealed record LegacyImportCompleted(
    string JobId, DateTimeOffset CompletedAt, int CustomersImported, int CustomersCreated, int BillingAccountsImported, int RejectedRows, int DuplicatesMerged, long? LegacyWatermark,
    int LinesImported = 0);
