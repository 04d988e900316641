using System.Text.Json;
using Dialtone.Catalog.Contracts;
using Dialtone.Catalog.Domain.Representation;

namespace Dialtone.Catalog.Domain;

/// <summary>
/// The characteristics a price carries in <c>prodSpecCharValueUse</c> (docs/decisions/0006): the rating groups of a usage
/// price (<see cref="CatalogCharacteristics.RatingGroup"/>) and the bounds of a tier (<see cref="CatalogCharacteristics.TierFrom"/>,
/// <see cref="CatalogCharacteristics.TierTo"/>). Read here once, by the rules that check them on write and by
/// <see cref="OfferingCatalog"/> that hands them to charging.
/// </summary>
internal static class PriceCharacteristics
{
    /// <summary>
    /// The rating groups <paramref name="price"/> names, in the order given and without repeats: empty when it names none,
    /// null when one of its values is not a positive integer.
    /// </summary>
    public static IReadOnlyList<int>? RatingGroups(ProductOfferingPrice price)
    {
        var groups = new List<int>();
        foreach (var value in Values(price, CatalogCharacteristics.RatingGroup))
        {
            if (value is not { ValueKind: JsonValueKind.Number } || !value.TryGetInt32(out var group) || group <= 0)
            {
                return null;
            }

            if (!groups.Contains(group))
            {
                groups.Add(group);
            }
        }

        return groups;
    }

    /// <summary>A tier's bound (<c>tierFrom</c> or <c>tierTo</c>): the first value of the characteristic, or null when absent or not an integer.</summary>
    public static long? TierBound(ProductOfferingPrice tier, string name)
    {
        var value = (tier.ProdSpecCharValueUse ?? []).FirstOrDefault(u => u.Name == name)?.ProductSpecCharacteristicValue?.FirstOrDefault()?.Value;
        return value is { ValueKind: JsonValueKind.Number } number && number.TryGetInt64(out var bound) ? bound : null;
    }

    private static IEnumerable<JsonElement> Values(ProductOfferingPrice price, string name) =>
        (price.ProdSpecCharValueUse ?? []).Where(use => use.Name == name)
            .SelectMany(use => use.ProductSpecCharacteristicValue ?? [])
            .Where(value => value.Value is not null)
            .Select(value => value.Value!.Value);
}
