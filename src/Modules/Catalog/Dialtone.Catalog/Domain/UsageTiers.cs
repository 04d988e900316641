using Dialtone.Catalog.Contracts;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Tmf;

namespace Dialtone.Catalog.Domain;

/// <summary>
/// The rule for a tiered usage price (docs/decisions/0006): every tier is a usage price in the same currency and unit,
/// each has its own price, the first starts at 0, each ends (<c>tierTo</c>, exclusive) where the next starts
/// (<c>tierFrom</c>), and only the last is open-ended.
/// </summary>
internal static class UsageTiers
{
    public static void EnsureContiguous(IReadOnlyList<ProductOfferingPrice> tiers)
    {
        if (tiers.Count == 0)
        {
            throw TmfProblemException.BadRequest("INVALID_TIERS", "A tiered usage price lists its tiers in 'bundledPopRelationship'.");
        }

        var bounds = tiers.Select(t => (Tier: t, From: PriceCharacteristics.TierBound(t, CatalogCharacteristics.TierFrom),
                To: PriceCharacteristics.TierBound(t, CatalogCharacteristics.TierTo)))
            .OrderBy(t => t.From ?? long.MinValue)
            .ToList();

        foreach (var (tier, from, _) in bounds)
        {
            if (tier.PriceType != "usage")
            {
                throw TmfProblemException.BadRequest("INVALID_TIERS", $"Tier '{tier.Name}' is a {tier.PriceType} price; every tier of a usage price is a usage price.");
            }

            if (from is null)
            {
                throw TmfProblemException.BadRequest("INVALID_TIERS", $"Tier '{tier.Name}' has no '{CatalogCharacteristics.TierFrom}'.");
            }

            if (tier.Price?.Value is null)
            {
                throw TmfProblemException.BadRequest("INVALID_TIERS", $"Tier '{tier.Name}' has no 'price': every tier prices its own units.");
            }
        }

        if (bounds.Select(b => b.Tier.Price?.Unit).Distinct().Count() > 1 || bounds.Select(b => b.Tier.UnitOfMeasure?.Units).Distinct().Count() > 1)
        {
            throw TmfProblemException.BadRequest("INVALID_TIERS", "All tiers of a usage price use one currency and one unit of measure.");
        }

        if (bounds[0].From != 0)
        {
            throw TmfProblemException.BadRequest("INVALID_TIERS", $"The first tier starts at 0, not {bounds[0].From}.");
        }

        for (var i = 0; i < bounds.Count; i++)
        {
            var (tier, from, to) = bounds[i];
            var last = i == bounds.Count - 1;
            if (last && to is not null)
            {
                throw TmfProblemException.BadRequest("INVALID_TIERS", $"The last tier '{tier.Name}' is open-ended: it has no '{CatalogCharacteristics.TierTo}'.");
            }

            if (!last && (to is null || to <= from || to != bounds[i + 1].From))
            {
                throw TmfProblemException.BadRequest("INVALID_TIERS",
                    $"Tier '{tier.Name}' ({from}–{to?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "open"}) must end where the next tier starts ({bounds[i + 1].From}).");
            }
        }
    }
}
