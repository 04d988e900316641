namespace Dialtone.Ordering.Contracts;

/// <summary>
/// The ordering module's batch command for lines taken over from a legacy system (issue 6,
/// docs/decisions/0016-migration-orders.md): one TMF622 product order per line, <c>category</c> <c>migration</c>,
/// completed at once without provisioning (the line already lives on the network). The line's product enters inventory
/// with the given offering, its MSISDN and a drawn IMSI are assigned in the number pool, and one
/// <see cref="MigrationOrdersCompleted"/> per call opens the charging accounts. Order and product ids derive from the
/// source's line id, so a batch migrated again creates nothing twice.
/// </summary>
public interface IMigrationOrderBatch
{
    /// <summary>Migrates one batch (its writes are one transaction per step, not one per line); answers every line's outcome, in order.</summary>
    Task<IReadOnlyList<MigratedLineOutcome>> MigrateAsync(string source, IReadOnlyList<MigrationLine> batch, CancellationToken cancellationToken);
}

/// <summary>
/// One line to migrate. <c>PartyId</c>: the customer's party (imported before); <c>BillingAccountId</c>: the account the
/// line is billed to; <c>OfferingId</c>: a catalog offering of a mobile line (the operator's mapping of the legacy plan);
/// <c>Msisdn</c>: E.164 (personal data, never logged); <c>Status</c>: <c>active</c> or <c>suspended</c> (TMF637);
/// <c>Description</c>: what the order says about where the line came from (no personal data).
/// </summary>
public sealed record MigrationLine(string SourceLineId, string PartyId, string? BillingAccountId, string OfferingId, string Msisdn, string Status, DateOnly? ActivatedOn, string? Description = null);

/// <summary>
/// What became of one line: <c>Outcome</c> <see cref="MigrationOutcomes.Created"/>, <see cref="MigrationOutcomes.Existing"/>
/// (migrated before) or <see cref="MigrationOutcomes.Rejected"/>, with a <c>ReasonCode</c> and a <c>Reason</c> free of
/// personal data (the rejected line is not in Dialtone).
/// </summary>
public sealed record MigratedLineOutcome(string SourceLineId, string Outcome, string? OrderId, string? ProductId, string? ReasonCode = null, string? Reason = null);

/// <summary>The outcomes of a migrated line.</summary>
public static class MigrationOutcomes
{
    /// <summary>Migrated by this call.</summary>
    public const string Created = "created";

    /// <summary>Migrated by an earlier call: nothing was changed.</summary>
    public const string Existing = "existing";

    /// <summary>Not migrated; see the reason.</summary>
    public const string Rejected = "rejected";
}

/// <summary>
/// One event for a batch of migration orders instead of a <see cref="ProductOrderCompleted"/> per line: each entry is
/// what that event would have said (ids only), so charging opens the lines' accounts as for any completed order.
/// </summary>
public sealed record MigrationOrdersCompleted(DateTimeOffset CompletedAt, IReadOnlyList<ProductOrderCompleted> Orders);
