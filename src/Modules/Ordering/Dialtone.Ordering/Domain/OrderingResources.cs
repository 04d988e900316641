using Dialtone.Ordering.Domain.Representation;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Ordering.Domain;

/// <summary>The resources of TMF622 Product Ordering v4 and what lists filter on.</summary>
internal static class OrderingResources
{
    public const string ApiName = "productOrderingManagement";

    public static readonly TmfResourceDescriptor ProductOrder = new(ApiName, "productOrder", typeof(ProductOrder),
    [
        new("id", TmfAttributeKind.Text),
        new("state", TmfAttributeKind.Text, Sortable: true),
        new("orderDate", TmfAttributeKind.DateTime, Sortable: true),
        new("completionDate", TmfAttributeKind.DateTime, Sortable: true),
        new("externalId", TmfAttributeKind.Text),
        new("category", TmfAttributeKind.Text),
        new("priority", TmfAttributeKind.Text),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("relatedParty.role", TmfAttributeKind.Text),
        new("billingAccount.id", TmfAttributeKind.Text),
        new("productOrderItem.action", TmfAttributeKind.Text),
        new("productOrderItem.state", TmfAttributeKind.Text),
        new("productOrderItem.product.id", TmfAttributeKind.Text),
        new("productOrderItem.productOffering.id", TmfAttributeKind.Text),
    ], timestampAttribute: null, statusAttribute: "state");

    public static readonly TmfResourceDescriptor CancelProductOrder = new(ApiName, "cancelProductOrder", typeof(CancelProductOrder),
    [
        new("id", TmfAttributeKind.Text),
        new("state", TmfAttributeKind.Text, Sortable: true),
        new("productOrder.id", TmfAttributeKind.Text),
        new("effectiveCancellationDate", TmfAttributeKind.DateTime, Sortable: true),
    ], timestampAttribute: null, statusAttribute: "state");
}

/// <summary>The resources of TMF641 Service Ordering v4: the service orders a product order is decomposed into (read-only).</summary>
internal static class ServiceOrderingResources
{
    public const string ApiName = "serviceOrdering";

    public static readonly TmfResourceDescriptor ServiceOrder = new(ApiName, "serviceOrder", typeof(Representation.ServiceOrdering.ServiceOrder),
    [
        new("id", TmfAttributeKind.Text),
        new("state", TmfAttributeKind.Text, Sortable: true),
        new("orderDate", TmfAttributeKind.DateTime, Sortable: true),
        new("completionDate", TmfAttributeKind.DateTime, Sortable: true),
        new("externalId", TmfAttributeKind.Text),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("orderRelationship.id", TmfAttributeKind.Text),
        new("serviceOrderItem.state", TmfAttributeKind.Text),
        new("serviceOrderItem.service.id", TmfAttributeKind.Text),
    ], timestampAttribute: null, statusAttribute: "state");
}

/// <summary>TMF622's order and item states (<c>ProductOrderStateType</c>).</summary>
internal static class OrderState
{
    public const string Acknowledged = "acknowledged";
    public const string Rejected = "rejected";
    public const string Pending = "pending";
    public const string Held = "held";
    public const string InProgress = "inProgress";
    public const string Cancelled = "cancelled";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Partial = "partial";
    public const string AssessingCancellation = "assessingCancellation";
    public const string PendingCancellation = "pendingCancellation";
}

/// <summary>TMF622's states of a cancellation request (<c>TaskStateType</c>).</summary>
internal static class TaskState
{
    public const string Acknowledged = "acknowledged";
    public const string InProgress = "inProgress";
    public const string Done = "done";
    public const string TerminatedWithError = "terminatedWithError";
}
