namespace Dialtone.Ordering.Contracts;

/// <summary>
/// A product order completed: inventory already shows its changes. Charging creates or changes the charging account of
/// each line and billing starts or stops its recurring prices; both read the product (allowances, identifiers, prices)
/// from the inventory contract by id, since events carry ids only (no personal data travels in them).
/// </summary>
public sealed record ProductOrderCompleted(string OrderId, DateTimeOffset CompletedAt, string? BillingAccountId, IReadOnlyList<CompletedOrderItem> Items);

/// <summary>
/// One item of a completed order: what happened to which product. <c>Action</c>: <c>add</c>, <c>modify</c> (plan or
/// settings changed, or a bundle gained members), <c>suspend</c>, <c>resume</c> or <c>delete</c> (terminated).
/// <c>IsBundle</c>: the product is a bundle (a family: its shared pool is the bundle's). <c>BundleProductId</c>: the bundle
/// the product belongs to, for a member added with its bundle or to it (a family line).
/// </summary>
public sealed record CompletedOrderItem(string OrderItemId, string Action, string ProductId, string? OfferingId, bool IsBundle = false, string? BundleProductId = null);
