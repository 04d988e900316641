namespace Dialtone.Legacy.Features.Reconciliation;

/// <summary>
/// One comparison of every migrated customer between Dialtone and legacy (<c>/admin/legacy/reconciliations</c>),
/// paged through legacy's customers with its cursor: the cursor after the last committed page, the counts, and the drift
/// summary (field → direction → records) commit together, so a job that stopped resumes after its last page.
/// </summary>
internal sealed class LegacyReconciliation
{
    public string Id { get; set; } = "";

    /// <summary><see cref="ReconciliationModes"/>.</summary>
    public string Mode { get; set; } = ReconciliationModes.Report;

    public string State { get; set; } = ReconciliationStates.Queued;

    public string RequestedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Legacy's cursor after the last page compared; null before the first.</summary>
    public string? Cursor { get; set; }

    public int Pages { get; set; }

    /// <summary>Legacy customer records read.</summary>
    public int LegacyRecords { get; set; }

    /// <summary>Legacy records of people migrated to Dialtone, compared field by field.</summary>
    public int Compared { get; set; }

    /// <summary>Compared records with at least one drifting field.</summary>
    public int Drifting { get; set; }

    /// <summary>Records repaired: their person's Dialtone state staged for legacy, or legacy's values written to Dialtone.</summary>
    public int Repaired { get; set; }

    /// <summary>Field → direction → drifting records, as JSON.</summary>
    public string Summary { get; set; } = "{}";

    public string? Failure { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public long Version { get; set; }
}

/// <summary>One legacy record that drifted: which fields and which way (no values).</summary>
internal sealed class LegacyDrift
{
    public string Id { get; set; } = "";

    public string ReconciliationId { get; set; } = "";

    public string LegacyCustomerId { get; set; } = "";

    public string PartyId { get; set; } = "";

    /// <summary><c>field:direction</c>, comma-separated (<c>email:toLegacy,givenName:toDialtone</c>).</summary>
    public string Fields { get; set; } = "";

    /// <summary>What the job did: <c>none</c> (report), <c>stagedForLegacy</c>, <c>appliedToDialtone</c>, both comma-separated.</summary>
    public string Repair { get; set; } = "none";

    public DateTimeOffset DetectedAt { get; set; }
}

internal static class ReconciliationModes
{
    /// <summary>Compare and report only.</summary>
    public const string Report = "report";

    /// <summary>Also send Dialtone's state of the fields it masters to legacy (through propagation).</summary>
    public const string RepairLegacy = "repairLegacy";

    /// <summary>Also write legacy's values of the fields it masters to Dialtone.</summary>
    public const string RepairDialtone = "repairDialtone";

    /// <summary>Both repairs: each field towards its master's value.</summary>
    public const string RepairBoth = "repairBoth";

    public static readonly string[] All = [Report, RepairLegacy, RepairDialtone, RepairBoth];
}

internal static class ReconciliationStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>Which side a drifting field must be repaired on: the other side masters it.</summary>
internal static class DriftDirections
{
    /// <summary>Dialtone masters the field: legacy is behind.</summary>
    public const string ToLegacy = "toLegacy";

    /// <summary>Legacy masters the field: Dialtone is behind.</summary>
    public const string ToDialtone = "toDialtone";
}

/// <summary>The reconciliation job (<c>Dialtone:Legacy:Reconciliation</c>).</summary>
internal sealed class LegacyReconciliationOptions
{
    /// <summary>Legacy customers per page (1–500): one transaction per page.</summary>
    public int PageSize { get; set; } = 200;

    /// <summary>How often a node looks for a queued job (or one whose node stopped).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a node's claim on a running job lasts without a page committed.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait between attempts while legacy is unreachable.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);
}
