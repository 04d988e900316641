using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Catalog.Domain;

/// <summary>The five TMF620 resources and the attributes a list may filter and sort on.</summary>
internal static class CatalogResources
{
    public const string ApiName = "productCatalogManagement";

    private static readonly TmfAttribute[] Common =
    [
        new("id", TmfAttributeKind.Text),
        new("name", TmfAttributeKind.Text, Sortable: true),
        new("lifecycleStatus", TmfAttributeKind.Text, Sortable: true),
        new("lastUpdate", TmfAttributeKind.DateTime, Sortable: true),
        new("version", TmfAttributeKind.Text, Sortable: true),
        new("validFor.startDateTime", TmfAttributeKind.DateTime, Sortable: true),
        new("validFor.endDateTime", TmfAttributeKind.DateTime, Sortable: true),
        new("@type", TmfAttributeKind.Text),
    ];

    public static readonly TmfResourceDescriptor ProductOffering = new(ApiName, "productOffering", typeof(ProductOffering),
    [
        .. Common,
        new("isBundle", TmfAttributeKind.Text),
        new("isSellable", TmfAttributeKind.Text),
        new("productSpecification.id", TmfAttributeKind.Text),
        new("productOfferingPrice.id", TmfAttributeKind.Text),
        new("productOfferingPrice.name", TmfAttributeKind.Text),
        new("productOfferingPrice.priceType", TmfAttributeKind.Text),
        new("category.id", TmfAttributeKind.Text),
        new("category.name", TmfAttributeKind.Text),
        new("channel.id", TmfAttributeKind.Text),
        new("marketSegment.id", TmfAttributeKind.Text),
        new("bundledProductOffering.id", TmfAttributeKind.Text),
        new("productOfferingRelationship.id", TmfAttributeKind.Text),
        new("productOfferingRelationship.relationshipType", TmfAttributeKind.Text),
    ]);

    public static readonly TmfResourceDescriptor ProductOfferingPrice = new(ApiName, "productOfferingPrice", typeof(ProductOfferingPrice),
    [
        .. Common,
        new("priceType", TmfAttributeKind.Text, Sortable: true),
        new("isBundle", TmfAttributeKind.Text),
        new("price.unit", TmfAttributeKind.Text),
        new("price.value", TmfAttributeKind.Number, Sortable: true),
        new("percentage", TmfAttributeKind.Number, Sortable: true),
        new("recurringChargePeriodType", TmfAttributeKind.Text),
        new("unitOfMeasure.units", TmfAttributeKind.Text),
        new("popRelationship.id", TmfAttributeKind.Text),
        new("bundledPopRelationship.id", TmfAttributeKind.Text),
    ]);

    public static readonly TmfResourceDescriptor ProductSpecification = new(ApiName, "productSpecification", typeof(ProductSpecification),
    [
        .. Common,
        new("brand", TmfAttributeKind.Text, Sortable: true),
        new("productNumber", TmfAttributeKind.Text, Sortable: true),
        new("isBundle", TmfAttributeKind.Text),
        new("productSpecCharacteristic.name", TmfAttributeKind.Text),
        new("bundledProductSpecification.id", TmfAttributeKind.Text),
        new("serviceSpecification.id", TmfAttributeKind.Text),
        new("resourceSpecification.id", TmfAttributeKind.Text),
    ]);

    public static readonly TmfResourceDescriptor Category = new(ApiName, "category", typeof(Category),
    [
        .. Common,
        new("isRoot", TmfAttributeKind.Text),
        new("parentId", TmfAttributeKind.Text),
        new("productOffering.id", TmfAttributeKind.Text),
        new("subCategory.id", TmfAttributeKind.Text),
    ]);

    public static readonly TmfResourceDescriptor Catalog = new(ApiName, "catalog", typeof(Representation.Catalog),
    [
        .. Common,
        new("catalogType", TmfAttributeKind.Text),
        new("category.id", TmfAttributeKind.Text),
    ]);
}
