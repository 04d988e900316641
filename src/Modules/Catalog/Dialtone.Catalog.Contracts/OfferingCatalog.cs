using System.Text.Json;

namespace Dialtone.Catalog.Contracts;

/// <summary>
/// The catalog's answer to ordering: an offering with everything an order item is judged and priced by, read in one
/// call. Statuses and validity are given as stored so that the caller decides at its own "now".
/// </summary>
public interface IOfferingCatalog
{
    /// <summary>The offering with its specification and prices, or null when no offering has this id.</summary>
    Task<CatalogOffering?> FindOfferingAsync(string offeringId, CancellationToken cancellationToken);

    /// <summary>The id of the offering named <paramref name="name"/> that is orderable at <paramref name="now"/>, or null (demo data orders by name).</summary>
    Task<string?> FindOrderableOfferingIdAsync(string name, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// An offering as ordering reads it. <c>RequiredOfferingIds</c>: for an add-on, the base plans it needs
/// (<c>productOfferingRelationship</c> of type <c>requires</c>), one of which the customer must own. <c>Characteristics</c>:
/// the values the offering fixes for its specification's characteristics (<c>prodSpecCharValueUse</c>), allowances included.
/// </summary>
public sealed record CatalogOffering(
    string Id,
    string Name,
    string? Version,
    string? LifecycleStatus,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo,
    bool IsSellable,
    bool IsBundle,
    CatalogSpecification? Specification,
    IReadOnlyList<CatalogPrice> Prices,
    IReadOnlyList<string> RequiredOfferingIds,
    IReadOnlyList<CatalogCharacteristicValue> Characteristics)
{
    /// <summary>Whether a customer can order it at <paramref name="now"/>: <c>Active</c> or <c>Launched</c> and within <c>validFor</c> (ADR 0005).</summary>
    public bool IsOrderableAt(DateTimeOffset now) =>
        LifecycleStatus is "Active" or "Launched" && (ValidFrom is null || ValidFrom <= now) && (ValidTo is null || now < ValidTo);
}

/// <summary>
/// An offering's specification: its product number (<c>DT-5G-LINE</c>) says how a product is provisioned; it may depend on
/// other specifications provisioned alongside (a line needs an eSIM profile).
/// </summary>
public sealed record CatalogSpecification(string Id, string Name, string? ProductNumber, IReadOnlyList<string> DependsOnProductNumbers);

/// <summary>A price as sold; copied onto the product so that later catalog changes leave existing customers alone.</summary>
public sealed record CatalogPrice(
    string Id,
    string Name,
    string PriceType,
    string? RecurringChargePeriodType,
    int? RecurringChargePeriodLength,
    decimal? Amount,
    string? Currency,
    decimal? Percentage,
    string? UnitOfMeasure,
    IReadOnlyList<CatalogPriceAlteration> Alterations);

/// <summary>A discount that applies to a price for a while (a welcome offer), named by the price's <c>popRelationship</c>.</summary>
public sealed record CatalogPriceAlteration(string Id, string Name, string PriceType, decimal? Amount, decimal? Percentage, string? Currency, int? DurationAmount, string? DurationUnits);

/// <summary>A characteristic value an offering fixes, as the catalog holds it (an <see cref="AllowanceDefinition"/> object for allowances).</summary>
public sealed record CatalogCharacteristicValue(string Name, string? ValueType, JsonElement Value);
