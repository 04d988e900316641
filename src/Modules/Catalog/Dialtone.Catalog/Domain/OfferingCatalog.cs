using System.Globalization;
using Dialtone.Catalog.Contracts;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Catalog.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Catalog.Domain;

/// <summary>The catalog module's answer to ordering: one offering with its specification and prices.</summary>
internal sealed class OfferingCatalog(CatalogDbContext db) : IOfferingCatalog
{
    public async Task<CatalogOffering?> FindOfferingAsync(string offeringId, CancellationToken cancellationToken)
    {
        var offering = await FindAsync<ProductOffering>(CatalogResources.ProductOffering, offeringId, cancellationToken);
        if (offering is null)
        {
            return null;
        }

        CatalogSpecification? specification = null;
        if (offering.ProductSpecification?.Id is { } specificationId
            && await FindAsync<ProductSpecification>(CatalogResources.ProductSpecification, specificationId, cancellationToken) is { } spec)
        {
            var dependsOn = new List<string>();
            foreach (var relation in spec.ProductSpecificationRelationship?.Where(r => r.RelationshipType == "dependsOn") ?? [])
            {
                if (relation.Id is not null && await FindAsync<ProductSpecification>(CatalogResources.ProductSpecification, relation.Id, cancellationToken) is { ProductNumber: { } number })
                {
                    dependsOn.Add(number);
                }
            }

            specification = new CatalogSpecification(spec.Id!, spec.Name ?? "", spec.ProductNumber, dependsOn);
        }

        var prices = new List<CatalogPrice>();
        foreach (var reference in offering.ProductOfferingPrice ?? [])
        {
            if (reference.Id is not null && await FindAsync<ProductOfferingPrice>(CatalogResources.ProductOfferingPrice, reference.Id, cancellationToken) is { } price)
            {
                prices.Add(await ToCatalogPriceAsync(price, cancellationToken));
            }
        }

        var characteristics = (offering.ProdSpecCharValueUse ?? [])
            .SelectMany(use => (use.ProductSpecCharacteristicValue ?? []).Where(v => v.Value is not null).Take(1)
                .Select(v => new CatalogCharacteristicValue(use.Name ?? "", use.ValueType ?? v.ValueType, v.Value!.Value)))
            .ToList();
        var required = (offering.ProductOfferingRelationship ?? []).Where(r => r.RelationshipType == "requires" && r.Id is not null).Select(r => r.Id!).ToList();
        return new CatalogOffering(offering.Id!, offering.Name ?? "", offering.Version, offering.LifecycleStatus, offering.ValidFor?.StartDateTime,
            offering.ValidFor?.EndDateTime, offering.IsSellable ?? true, offering.IsBundle ?? false, specification, prices, required, characteristics)
        {
            BundledOfferings = [.. (offering.BundledProductOffering ?? []).Where(b => b.Id is not null).Select(b => new CatalogBundledOffering(b.Id!, b.Name,
                b.BundledProductOfferingOption?.NumberRelOfferLowerLimit ?? 0, b.BundledProductOfferingOption?.NumberRelOfferUpperLimit))],
        };
    }

    public async Task<string?> FindOrderableOfferingIdAsync(string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var named = await db.SearchEntries.AsNoTracking()
            .Where(e => e.ResourceType == CatalogResources.ProductOffering.Resource && e.Path == "name" && e.Text == name)
            .Select(e => e.DocumentId)
            .ToListAsync(cancellationToken);
        foreach (var id in named)
        {
            if ((await FindOfferingAsync(id, cancellationToken))?.IsOrderableAt(now) == true)
            {
                return id;
            }
        }

        return null;
    }

    private async Task<CatalogPrice> ToCatalogPriceAsync(ProductOfferingPrice price, CancellationToken cancellationToken)
    {
        var alterations = new List<CatalogPriceAlteration>();
        foreach (var relation in price.PopRelationship ?? [])
        {
            if (relation.Id is not null && await FindAsync<ProductOfferingPrice>(CatalogResources.ProductOfferingPrice, relation.Id, cancellationToken) is { } alteration)
            {
                var term = alteration.ProductOfferingTerm?.FirstOrDefault()?.Duration;
                alterations.Add(new CatalogPriceAlteration(alteration.Id!, alteration.Name ?? "", alteration.PriceType ?? "", alteration.Price?.Value,
                    alteration.Percentage, alteration.Price?.Unit, term?.Amount, term?.Units));
            }
        }

        var tiers = new List<(CatalogPriceTier Tier, IReadOnlyList<int> RatingGroups)>();
        foreach (var relation in price is { PriceType: "usage", IsBundle: true } ? price.BundledPopRelationship ?? [] : [])
        {
            if (relation.Id is not null && await FindAsync<ProductOfferingPrice>(CatalogResources.ProductOfferingPrice, relation.Id, cancellationToken) is { } tier)
            {
                tiers.Add((ToTier(price, tier), PriceCharacteristics.RatingGroups(tier) ?? []));
            }
        }

        var ratingGroups = PriceCharacteristics.RatingGroups(price) ?? [];
        if (ratingGroups.Count == 0)
        {
            ratingGroups = [.. tiers.SelectMany(t => t.RatingGroups).Distinct()];
        }

        return new CatalogPrice(price.Id!, price.Name ?? "", price.PriceType ?? "", price.RecurringChargePeriodType, price.RecurringChargePeriodLength,
            price.Price?.Value, price.Price?.Unit, price.Percentage, UnitOfMeasure(price) ?? tiers.Select(t => t.Tier.UnitOfMeasure).FirstOrDefault(u => u is not null),
            alterations, ratingGroups, [.. tiers.Select(t => t.Tier).OrderBy(t => t.From)]);
    }

    /// <summary>A tier as the catalog's rules admitted it (<see cref="UsageTiers"/>): its own price and a <c>tierFrom</c>.</summary>
    private static CatalogPriceTier ToTier(ProductOfferingPrice bundle, ProductOfferingPrice tier)
    {
        var from = PriceCharacteristics.TierBound(tier, CatalogCharacteristics.TierFrom);
        if (from is null || tier.Price?.Value is not { } amount)
        {
            throw new InvalidOperationException($"Tier '{tier.Id}' of price '{bundle.Id}' has no '{CatalogCharacteristics.TierFrom}' or no price.");
        }

        return new CatalogPriceTier(tier.Id!, from.Value, PriceCharacteristics.TierBound(tier, CatalogCharacteristics.TierTo), amount, tier.Price.Unit, UnitOfMeasure(tier));
    }

    private static string? UnitOfMeasure(ProductOfferingPrice price) =>
        price.UnitOfMeasure is { } unit ? string.Create(CultureInfo.InvariantCulture, $"{unit.Amount} {unit.Units}").Trim() : null;

    private async Task<T?> FindAsync<T>(TmfResourceDescriptor resource, string id, CancellationToken cancellationToken)
        where T : class
    {
        var document = await db.Documents.OfResource(resource).AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        return document is null ? null : TmfRepresentation.FromStored<T>(document);
    }
}
