using Dialtone.Inventory.Domain.Representation;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Inventory.Domain;

/// <summary>The resources of TMF637 Product Inventory v4 and what lists filter on.</summary>
internal static class InventoryResources
{
    public const string ProductApi = "productInventory";

    public static readonly TmfResourceDescriptor Product = new(ProductApi, "product", typeof(Product),
    [
        new("id", TmfAttributeKind.Text),
        new("name", TmfAttributeKind.Text, Sortable: true),
        new("status", TmfAttributeKind.Text, Sortable: true),
        new("startDate", TmfAttributeKind.DateTime, Sortable: true),
        new("terminationDate", TmfAttributeKind.DateTime, Sortable: true),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("relatedParty.role", TmfAttributeKind.Text),
        new("billingAccount.id", TmfAttributeKind.Text),
        new("productOffering.id", TmfAttributeKind.Text),
        new("productSpecification.id", TmfAttributeKind.Text),
        new("productOrderItem.productOrderId", TmfAttributeKind.Text),
        new("productRelationship.product.id", TmfAttributeKind.Text),
        new("productRelationship.relationshipType", TmfAttributeKind.Text),
        new("@type", TmfAttributeKind.Text),
    ], timestampAttribute: null, statusAttribute: "status");

    public const string ServiceApi = "serviceInventory";

    /// <summary>TMF638 Service Inventory v4: the services that realize products (the mobile subscription, the eSIM profile, add-ons, fibre accesses).</summary>
    public static readonly TmfResourceDescriptor Service = new(ServiceApi, "service", typeof(Representation.ServiceInventory.Service),
    [
        new("id", TmfAttributeKind.Text),
        new("name", TmfAttributeKind.Text, Sortable: true),
        new("state", TmfAttributeKind.Text, Sortable: true),
        new("startDate", TmfAttributeKind.DateTime, Sortable: true),
        new("endDate", TmfAttributeKind.DateTime, Sortable: true),
        new("relatedParty.id", TmfAttributeKind.Text),
        new("relatedEntity.id", TmfAttributeKind.Text),
        new("serviceSpecification.name", TmfAttributeKind.Text),
        new("serviceOrderItem.serviceOrderId", TmfAttributeKind.Text),
    ], timestampAttribute: null, statusAttribute: "state");
}
