namespace Dialtone.Charging.Contracts;

/// <summary>
/// The rated usage of lines (TMF635 usage records written by charging): what billing puts on an invoice as usage charges
/// in arrears. Records appear shortly after the charging answer (relayed from the charging grains' outbox), never twice.
/// </summary>
public interface IUsageRecords
{
    /// <summary>The rated usage of product <paramref name="productId"/> with a usage date in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    Task<IReadOnlyList<RatedUsage>> ListAsync(string productId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>One rated usage record: one rating group's used units of one charging request.</summary>
/// <param name="Id">The TMF635 usage id.</param>
/// <param name="ProductId">The line.</param>
/// <param name="UsageType"><c>data</c>, <c>voice</c> or <c>sms</c>.</param>
/// <param name="RatingGroup">The rating group.</param>
/// <param name="Unit"><c>octet</c>, <c>second</c> or <c>event</c>.</param>
/// <param name="Units">Units used.</param>
/// <param name="IncludedUnits">Units taken from allowances.</param>
/// <param name="UsageDate">When it was rated.</param>
/// <param name="Currency">ISO 4217.</param>
/// <param name="Amount">Money charged beyond allowances (0 when the allowances covered it), 4 decimals.</param>
/// <param name="Prepaid">Whether prepaid credit paid it (else it is to be billed).</param>
/// <param name="Uncovered">The part neither credit nor the credit limit covered.</param>
public sealed record RatedUsage(
    string Id,
    string ProductId,
    string UsageType,
    int RatingGroup,
    string Unit,
    long Units,
    long IncludedUnits,
    DateTimeOffset UsageDate,
    string Currency,
    decimal Amount,
    bool Prepaid,
    decimal Uncovered);
