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

    /// <summary>
    /// For a bundle (<c>isBundle</c>): the offerings it is made of (<c>bundledProductOffering</c>), each with how many of it
    /// one bundle holds (<c>bundledProductOfferingOption</c>); empty for a simple offering.
    /// </summary>
    public IReadOnlyList<CatalogBundledOffering> BundledOfferings { get; init; } = [];
}

/// <summary>
/// One offering of a bundle and how many of it a bundle holds: from <c>numberRelOfferLowerLimit</c> (0 when not given) to
/// <c>numberRelOfferUpperLimit</c> (null: no upper limit).
/// </summary>
public sealed record CatalogBundledOffering(string OfferingId, string? Name, int Lower, int? Upper);

/// <summary>
/// An offering's specification: its product number (<c>DT-5G-LINE</c>) says how a product is provisioned; it may depend on
/// other specifications provisioned alongside (a line needs an eSIM profile).
/// </summary>
public sealed record CatalogSpecification(string Id, string Name, string? ProductNumber, IReadOnlyList<string> DependsOnProductNumbers);

/// <summary>
/// A price as sold; copied onto the product so that later catalog changes leave existing customers alone. A usage price
/// (<c>priceType</c> <c>usage</c>, docs/decisions/0006) is what charging rates usage beyond allowances, or without any, with:
/// <c>Amount</c> per <c>UnitOfMeasure</c> (<c>1 MB</c>, <c>60 s</c>, <c>1 SMS</c>) for the usage of its <c>RatingGroups</c>.
/// </summary>
/// <param name="Id">The catalog's id of the price.</param>
/// <param name="Name">The price's name, as shown to customers.</param>
/// <param name="PriceType"><c>oneTime</c>, <c>recurring</c>, <c>usage</c> or <c>discount</c>.</param>
/// <param name="RecurringChargePeriodType">For a recurring price: day, week, month or year.</param>
/// <param name="RecurringChargePeriodLength">For a recurring price: how many of those periods one charge covers.</param>
/// <param name="Amount">The price in <c>Currency</c> (per <c>UnitOfMeasure</c> for a usage price); null for a tiered price and a percentage discount.</param>
/// <param name="Currency">The ISO 4217 currency of <c>Amount</c>.</param>
/// <param name="Percentage">For a discount: the percentage it takes off.</param>
/// <param name="UnitOfMeasure">Amount and units, as <c>1 MB</c>; for a tiered price the bundle's, or else its tiers' (they share one).</param>
/// <param name="Alterations">The prices its <c>popRelationship</c> names: the discounts that reduce it (<c>discountedBy</c>).</param>
/// <param name="RatingGroups">
/// The 3GPP rating groups a usage price applies to (its <c>prodSpecCharValueUse</c> named
/// <see cref="CatalogCharacteristics.RatingGroup"/>); for a tiered price the bundle's, or else every group its tiers name.
/// Empty for a price that names none (one-time, recurring and discount prices).
/// </param>
/// <param name="Tiers">
/// A tiered usage price (a bundle price, <c>isBundle</c>, whose <c>bundledPopRelationship</c> lists one usage price per
/// tier): its tiers, lowest first. The bundle itself has no <c>Amount</c>: each unit is priced by the tier it falls in
/// (graduated). Empty for a price that is not tiered.
/// </param>
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
    IReadOnlyList<CatalogPriceAlteration> Alterations,
    IReadOnlyList<int> RatingGroups,
    IReadOnlyList<CatalogPriceTier> Tiers);

/// <summary>
/// One tier of a tiered usage price (docs/decisions/0006): the units from <c>From</c> (inclusive, <c>tierFrom</c>) to
/// <c>To</c> (exclusive, <c>tierTo</c>; null on the last, open-ended tier), counted in the tier's own
/// <c>UnitOfMeasure</c>; each <c>UnitOfMeasure</c> in the tier costs <c>Amount</c>. The catalog checks on write that the
/// tiers start at 0, join up and share one currency and unit.
/// </summary>
public sealed record CatalogPriceTier(string Id, long From, long? To, decimal Amount, string? Currency, string? UnitOfMeasure);

/// <summary>A discount that applies to a price for a while (a welcome offer), named by the price's <c>popRelationship</c>.</summary>
public sealed record CatalogPriceAlteration(string Id, string Name, string PriceType, decimal? Amount, decimal? Percentage, string? Currency, int? DurationAmount, string? DurationUnits);

/// <summary>A characteristic value an offering fixes, as the catalog holds it (an <see cref="AllowanceDefinition"/> object for allowances).</summary>
public sealed record CatalogCharacteristicValue(string Name, string? ValueType, JsonElement Value);
