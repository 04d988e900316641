using Dialtone.Inventory.Contracts;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.ImportJobs;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>
/// The operator's plan table both ways: a legacy code's offering, and the code written for an offering (several codes
/// may map to one offering, e.g. <c>PLN-S10</c> and <c>TAR2009X</c> to 5G Start: the first in ordinal order is written).
/// </summary>
internal sealed class LegacyPlanTable
{
    private readonly Dictionary<string, string> offeringOf;
    private readonly Dictionary<string, string> codeOf;

    private LegacyPlanTable(IReadOnlyList<(string Code, string OfferingId)> mappings)
    {
        offeringOf = mappings.ToDictionary(m => m.Code, m => m.OfferingId, StringComparer.Ordinal);
        codeOf = mappings.OrderBy(m => m.Code, StringComparer.Ordinal).GroupBy(m => m.OfferingId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Code, StringComparer.Ordinal);
    }

    public static async Task<LegacyPlanTable> ReadAsync(LegacyDbContext db, CancellationToken cancellationToken) =>
        new([.. (await db.PlanMappings.AsNoTracking().ToListAsync(cancellationToken)).Select(m => (m.LegacyPlanCode, m.ProductOfferingId))]);

    public string? OfferingOf(string legacyCode) => offeringOf.GetValueOrDefault(legacyCode);

    public string? CodeOf(string offeringId) => codeOf.GetValueOrDefault(offeringId);
}

/// <summary>A live legacy subscription whose plan code does not map to its migrated product's current offering; <see cref="WantedCode"/> is null when no code maps to that offering.</summary>
internal sealed record LegacyPlanDifference(string SubscriptionId, string LegacyCode, string OfferingId, string? WantedCode);

/// <summary>
/// How a legacy record's plans compare with Dialtone's lines (Dialtone masters them after migration, ADR 0017/0018),
/// shared by the plan delivery, the change-feed sync and reconciliation: each live subscription's product is the one its
/// migration order created (<c>TmfDocumentImport.IdFor("legacy", "product", subscriptionId)</c>, ADR 0016); terminated
/// products, products without an offering and subscriptions never migrated are not compared.
/// </summary>
internal static class LegacyPlans
{
    public static async Task<IReadOnlyList<LegacyPlanDifference>> DifferencesAsync(LegacyCustomer record, LegacyPlanTable table, IProductInventory inventory,
        CancellationToken cancellationToken)
    {
        var subscriptions = record.Subscriptions.Where(s => s.IsLive)
            .ToDictionary(s => TmfDocumentImport.IdFor(ImportJobRunner.Source, "product", s.SubscriptionId), s => s, StringComparer.Ordinal);
        if (subscriptions.Count == 0)
        {
            return [];
        }

        var products = await inventory.FindManyAsync(subscriptions.Keys, cancellationToken);
        return [.. products.Where(p => p.OfferingId is not null && p.Status != ProductStatus.Terminated).OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => (Product: p, Subscription: subscriptions[p.Id]))
            .Where(x => table.OfferingOf(x.Subscription.PlanCode) != x.Product.OfferingId)
            .Select(x => new LegacyPlanDifference(x.Subscription.SubscriptionId, x.Subscription.PlanCode, x.Product.OfferingId!, table.CodeOf(x.Product.OfferingId!)))];
    }
}
