using System.Text.Json;

namespace Dialtone.Inventory.Contracts;

/// <summary>
/// The inventory module's door (TMF637 products): what a customer owns, read by ordering to judge modify and delete
/// items and by charging and billing to learn a line's allowances and prices; and the one way products change, the
/// changes of a completed order.
/// </summary>
public interface IProductInventory
{
    /// <summary>One product, or null when no product has this id.</summary>
    Task<InventoryProduct?> FindAsync(string productId, CancellationToken cancellationToken);

    /// <summary>The products among <paramref name="productIds"/> that exist, in one read (for writers of many records at once).</summary>
    Task<IReadOnlyList<InventoryProduct>> FindManyAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the changes of a completed order, once: a change already applied (the same order and order item) is
    /// skipped, so a retried or resumed order cannot create or change a product twice.
    /// </summary>
    Task ApplyAsync(InventoryChangeSet changes, CancellationToken cancellationToken);

    /// <summary>
    /// Records the new products of many completed orders in one transaction, without a TMF event per product: a batch of
    /// migration orders (docs/decisions/0016-migration-orders.md), announced by one event for the batch. Only <c>add</c>
    /// changes without services or activation codes; a product that already exists is left as it is, so a batch
    /// applied again creates nothing twice. Answers the ids of the products created by this call.
    /// </summary>
    Task<IReadOnlyList<string>> ImportAsync(IReadOnlyList<InventoryChangeSet> orders, CancellationToken cancellationToken);
}

/// <summary>A product as other modules read it; <c>Characteristics</c> hold identifiers (MSISDN, IMSI, ICCID) and allowances: personal data, never to be logged.</summary>
public sealed record InventoryProduct(
    string Id,
    string Name,
    string Status,
    string? OfferingId,
    string? ProductNumber,
    string? BillingAccountId,
    string? CreatedBy,
    IReadOnlyList<InventoryParty> RelatedParties,
    IReadOnlyList<InventoryCharacteristic> Characteristics,
    IReadOnlyList<string> BaseProductIds)
{
    /// <summary>A bundle (TMF637 <c>isBundle</c>): a product made of other products, such as a family whose lines share a pool.</summary>
    public bool IsBundle { get; init; }

    /// <summary>The bundle this product belongs to (its <c>productRelationship</c> of type <c>isBundled</c>), or null.</summary>
    public string? BundleProductId { get; init; }

    /// <summary>For a bundle: the products it is made of (its <c>productRelationship</c> of type <c>bundled</c>), terminated ones included.</summary>
    public IReadOnlyList<string> BundledProductIds { get; init; } = [];

    /// <summary>The value of a characteristic as text, or null.</summary>
    public string? Characteristic(string name) =>
        Characteristics.FirstOrDefault(c => c.Name == name)?.Value is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}

/// <summary>A party with its role on a product: <c>customer</c> (who holds it), <c>user</c> (a family member using the line), <c>payer</c>.</summary>
public sealed record InventoryParty(string Id, string Role, string? ReferredType);

/// <summary>A characteristic of a product: an identifier, a setting or an allowance (an allowance's value is the catalog's AllowanceDefinition).</summary>
public sealed record InventoryCharacteristic(string Name, string? ValueType, JsonElement Value);

/// <summary>A price the product was sold with, kept as sold (grandfathering): later catalog changes leave it alone.</summary>
public sealed record InventoryPrice(string ProductOfferingPriceId, string Name, string PriceType, string? RecurringChargePeriod, decimal? Amount, string? Currency, string? UnitOfMeasure, string? Description);

/// <summary>What one completed order changes, with who placed it (the owner key of its creator, so a partner sees the products of its orders).</summary>
public sealed record InventoryChangeSet(string OrderId, string OrderHref, string CreatedBy, DateTimeOffset CompletedAt, IReadOnlyList<InventoryChange> Changes);

/// <summary>
/// One order item's change to one product. <c>Action</c>: <c>add</c> (a new product with <c>ProductId</c>), <c>modify</c>
/// (offering, characteristics and prices replaced), <c>suspend</c>, <c>resume</c> or <c>delete</c> (terminated).
/// Null members of a modify leave the product's value as it is. <c>ActivationCode</c>: a new eSIM's GSMA SGP.22
/// activation code (<c>LPA:1$…$…</c>), kept apart from the product and given to its owner only. Bundles (TMF637):
/// <c>IsBundle</c> makes a new product a bundle; <c>BundleProductId</c> relates a new product to its bundle
/// (<c>isBundled</c>); <c>BundledProductIds</c> relates a bundle to the products it is made of (<c>bundled</c>), on its
/// creation or, in a modify, the products it gains. <c>Status</c> and <c>StartDate</c> of a new product, when not the
/// defaults (<c>active</c>, the completion): a migrated line keeps its legacy status and activation date.
/// </summary>
public sealed record InventoryChange(
    string OrderItemId,
    string Action,
    string ProductId,
    string? Name,
    string? OfferingId,
    string? OfferingName,
    string? SpecificationId,
    string? SpecificationName,
    string? BillingAccountId,
    IReadOnlyList<InventoryParty>? Parties,
    IReadOnlyList<InventoryCharacteristic>? Characteristics,
    IReadOnlyList<InventoryPrice>? Prices,
    string? BaseProductId,
    string? ActivationCode = null,
    IReadOnlyList<InventoryService>? Services = null,
    string? BundleProductId = null,
    IReadOnlyList<string>? BundledProductIds = null,
    bool IsBundle = false,
    string? Status = null,
    DateTimeOffset? StartDate = null);

/// <summary>The TMF637 <c>productRelationship</c> types Dialtone writes.</summary>
public static class ProductRelationshipTypes
{
    /// <summary>An add-on on its base line.</summary>
    public const string AddOnTo = "addOnTo";

    /// <summary>On a bundle: a product it is made of.</summary>
    public const string Bundled = "bundled";

    /// <summary>On a bundle's member: the bundle it belongs to.</summary>
    public const string IsBundled = "isBundled";
}

/// <summary>
/// One TMF638 service that realizes the product, as the order's service order item left it: <c>Action</c> <c>add</c>
/// (a new service), <c>modify</c> (the state, unless null, and the named characteristics replaced) or <c>delete</c>
/// (terminated). Characteristics
/// hold identifiers (IMSI, MSISDN, ICCID): personal data, never to be logged.
/// </summary>
public sealed record InventoryService(
    string Id,
    string Action,
    string Name,
    string Specification,
    string? State,
    IReadOnlyList<InventoryCharacteristic> Characteristics,
    string ServiceOrderId,
    string ServiceOrderItemId);

/// <summary>The service states of TMF638 v4 that Dialtone uses.</summary>
public static class ServiceState
{
    /// <summary>In service.</summary>
    public const string Active = "active";
    /// <summary>Provisioned but not in service (a barred line).</summary>
    public const string Inactive = "inactive";
    /// <summary>Taken out of service for good.</summary>
    public const string Terminated = "terminated";
}

/// <summary>The characteristics that belong to a line itself, not to its plan: they identify the line (and through it its holder).</summary>
public static class LineIdentifiers
{
    /// <summary>MSISDN, IMSI, ICCID, eSIM profile id, port-in donor: kept when the plan changes, removed when the holder is erased.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "msisdn", "imsi", "iccid", "esimProfileId", "portInDonorOperator" };
}

/// <summary>The product statuses of TMF637 v4 that Dialtone uses.</summary>
public static class ProductStatus
{
    /// <summary>Recorded, not yet in service.</summary>
    public const string Created = "created";
    /// <summary>Being put into service.</summary>
    public const string PendingActive = "pendingActive";
    /// <summary>In service.</summary>
    public const string Active = "active";
    /// <summary>Out of service for a while (barred), kept.</summary>
    public const string Suspended = "suspended";
    /// <summary>Being taken out of service.</summary>
    public const string PendingTerminate = "pendingTerminate";
    /// <summary>Out of service for good.</summary>
    public const string Terminated = "terminated";
}
