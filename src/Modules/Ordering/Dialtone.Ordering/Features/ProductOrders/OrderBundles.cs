using Dialtone.Catalog.Contracts;
using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Platform.Tmf;

namespace Dialtone.Ordering.Features.ProductOrders;

/// <summary>
/// The bundles an order adds or changes (a family: one 5G Plus and one to four 5G Start lines sharing a pool), judged
/// once every item is planned (ADR 0010, "Bundles"). A bundle's item relates its members' items with
/// <c>productOrderItemRelationship</c> <c>bundles</c>, as TMF622's own example does; after the order, each bundle must
/// hold only offerings of its <c>bundledProductOffering</c> and, of each, a number within its
/// <c>bundledProductOfferingOption</c> limits, counting the members it keeps, gains, loses and changes. A bundle ends with
/// all its members. Refusals are 400s naming the item.
/// </summary>
internal sealed class OrderBundles
{
    private readonly Dictionary<string, Judged> byItem = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> touched = new(StringComparer.Ordinal);

    /// <summary>A new bundle, added by item <paramref name="itemId"/> as product <paramref name="productId"/>.</summary>
    public void Bundle(string itemId, string label, string productId, CatalogOffering offering) =>
        byItem[itemId] = new Judged(itemId, label, productId, "add", offering, null);

    /// <summary>An existing bundle the order modifies (gains members) or deletes (ends with its members).</summary>
    public void Change(string itemId, string label, InventoryProduct bundle, string action) =>
        byItem[itemId] = new Judged(itemId, label, bundle.Id, action, null, bundle);

    /// <summary>A product the order changes: when it is a bundle's member, the bundle is judged again.</summary>
    public void Touch(InventoryProduct product, string label)
    {
        if (product.BundleProductId is { } bundle)
        {
            touched.TryAdd(bundle, label);
        }
    }

    public static async Task JudgeAsync(OrderBundles bundles, IReadOnlyList<ProductOrderItem> items, List<InventoryChange> changes, IOfferingCatalog catalog,
        IProductInventory inventory, CancellationToken cancellationToken)
    {
        var labels = items.Select((item, index) => (item.Id!, $"productOrderItem[{index}] (id '{item.Id}')")).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        var itemsById = items.ToDictionary(item => item.Id!, StringComparer.Ordinal);
        var changeOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            changeOf[changes[i].OrderItemId] = i;
        }

        var memberOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var related = item.ProductOrderItemRelationship?.Where(r => r.RelationshipType == OrderPlanner.Bundles).ToList() ?? [];
            if (related.Count == 0)
            {
                continue;
            }

            if (!bundles.byItem.TryGetValue(item.Id!, out var bundle))
            {
                throw TmfProblemException.BadRequest("INVALID_RELATIONSHIP",
                    $"{labels[item.Id!]}: only a bundle's item relates other items with '{OrderPlanner.Bundles}'; this item is not a bundle.");
            }

            foreach (var relation in related)
            {
                if (relation.Id is null || !itemsById.TryGetValue(relation.Id, out var member) || relation.Id == item.Id)
                {
                    throw TmfProblemException.BadRequest("INVALID_RELATIONSHIP",
                        $"{bundle.Label}: productOrderItemRelationship names item '{relation.Id}', which is not another item of this order.");
                }

                var wanted = bundle.Action == "delete" ? "delete" : "add";
                if (member.Action != wanted || !memberOf.TryAdd(relation.Id, item.Id!))
                {
                    throw TmfProblemException.BadRequest("INVALID_BUNDLE_MEMBER", bundle.Action == "delete"
                        ? $"{labels[relation.Id]}: a bundle that ends relates only the delete items of its members."
                        : $"{labels[relation.Id]}: a bundle's new member is a new product (action 'add') of one bundle only.");
                }

                if (wanted == "add")
                {
                    var index = changeOf[relation.Id];
                    changes[index] = changes[index] with { BundleProductId = bundle.ProductId };
                    bundle.NewMembers.Add((relation.Id, changes[index].ProductId, changes[index].OfferingId));
                }
            }

            if (bundle.NewMembers.Count > 0)
            {
                var index = changeOf[item.Id!];
                changes[index] = changes[index] with { BundledProductIds = [.. bundle.NewMembers.Select(m => m.ProductId)] };
            }
        }

        var judged = bundles.byItem.Values.ToList();
        foreach (var (bundleId, label) in bundles.touched.Where(t => judged.All(j => j.ProductId != t.Key)))
        {
            if (await inventory.FindAsync(bundleId, cancellationToken) is { } existing)
            {
                judged.Add(new Judged(null, label, bundleId, "modify", null, existing));
            }
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task<string> NameAsync(string? offeringId) =>
            offeringId is null ? "(no offering)" : names.TryGetValue(offeringId, out var name) ? name
                : names[offeringId] = (await catalog.FindOfferingAsync(offeringId, cancellationToken))?.Name ?? offeringId;

        foreach (var bundle in judged)
        {
            var offering = bundle.Offering ?? (bundle.Existing?.OfferingId is { } id ? await catalog.FindOfferingAsync(id, cancellationToken) : null);
            if (offering is null)
            {
                continue;
            }

            // The members the bundle has after the order: the ones it keeps (with a new plan, if changed), and the new ones.
            var members = new List<(string OfferingId, string Label)>();
            var remaining = new List<string>();
            foreach (var memberId in bundle.Existing?.BundledProductIds ?? [])
            {
                var member = await inventory.FindAsync(memberId, cancellationToken);
                if (member is null || member.Status == ProductStatus.Terminated)
                {
                    continue;
                }

                var change = changes.FirstOrDefault(c => c.ProductId == memberId);
                if (change?.Action == "delete")
                {
                    continue;
                }

                remaining.Add(memberId);
                var memberLabel = change is null ? bundle.Label : labels[change.OrderItemId];
                members.Add((change?.OfferingId ?? member.OfferingId ?? "", memberLabel));
            }

            if (bundle.Action == "delete")
            {
                if (remaining.Count > 0)
                {
                    throw TmfProblemException.BadRequest("BUNDLE_MEMBERS_REMAIN",
                        $"{bundle.Label}: '{offering.Name}' ends with its members; add a delete item for product '{remaining[0]}' too (and for every member not yet terminated).");
                }

                continue;
            }

            members.AddRange(bundle.NewMembers.Select(m => (m.OfferingId ?? "", labels[m.ItemId])));
            foreach (var (memberOffering, memberLabel) in members)
            {
                if (offering.BundledOfferings.All(b => b.OfferingId != memberOffering))
                {
                    var parts = new List<string>();
                    foreach (var part in offering.BundledOfferings)
                    {
                        parts.Add($"'{await NameAsync(part.OfferingId)}'");
                    }

                    throw TmfProblemException.BadRequest("NOT_IN_BUNDLE",
                        $"{memberLabel}: '{await NameAsync(memberOffering)}' is not part of the bundle '{offering.Name}', which is made of {string.Join(" and ", parts)}.");
                }
            }

            foreach (var part in offering.BundledOfferings)
            {
                var count = members.Count(m => m.OfferingId == part.OfferingId);
                if (count < part.Lower || count > part.Upper)
                {
                    var limits = part.Upper is { } upper ? (part.Lower == upper ? $"exactly {upper}" : $"{part.Lower} to {upper}") : $"at least {part.Lower}";
                    throw TmfProblemException.BadRequest("BUNDLE_CARDINALITY",
                        $"{bundle.Label}: '{offering.Name}' holds {limits} '{await NameAsync(part.OfferingId)}'; after this order it would hold {count}.");
                }
            }
        }
    }

    private sealed record Judged(string? ItemId, string Label, string ProductId, string Action, CatalogOffering? Offering, InventoryProduct? Existing)
    {
        public List<(string ItemId, string ProductId, string? OfferingId)> NewMembers { get; } = [];
    }
}
