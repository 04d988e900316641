using Dialtone.Catalog.Domain;

namespace Dialtone.Catalog.Domain.Representation;

public sealed partial class Catalog : ICatalogEntity;

public sealed partial class Category : ICatalogEntity;

public sealed partial class ProductSpecification : ICatalogEntity;

public sealed partial class ProductOffering : ICatalogEntity;

public sealed partial class ProductOfferingPrice : ICatalogEntity;
