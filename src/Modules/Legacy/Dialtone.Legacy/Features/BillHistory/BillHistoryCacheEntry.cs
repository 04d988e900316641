namespace Dialtone.Legacy.Features.BillHistory;

/// <summary>The last bill history legacy answered for a customer, encrypted; served, flagged stale, while legacy is down.</summary>
internal sealed class BillHistoryCacheEntry
{
    /// <summary>The TMF629 customer id.</summary>
    public string CustomerId { get; set; } = "";

    public string ProtectedBills { get; set; } = "";

    public DateTimeOffset FetchedAt { get; set; }
}
