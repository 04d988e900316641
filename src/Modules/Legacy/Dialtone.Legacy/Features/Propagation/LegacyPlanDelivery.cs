using Dialtone.Inventory.Contracts;
using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Persistence;
using Microsoft.Extensions.Logging;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>
/// Brings the plan codes of a person's legacy subscriptions to the <b>current</b> offerings of their migrated lines
/// (ADR 0017): for each legacy record, <c>GetCustomer</c> lists its subscriptions; a live subscription's migrated
/// product is found by the id its migration order gave it (<c>TmfDocumentImport.IdFor("legacy", "product", subscriptionId)</c>,
/// ADR 0016); its offering is mapped back to a legacy plan code through the operator's table; a code that differs is
/// written with <c>ChangePlan</c> and the record's version. A legacy code that maps to the product's offering already
/// (several codes may map to one offering) is left as it is. An offering no legacy code maps to is refused with
/// <see cref="LegacyPlanNotMappedException"/> after the other lines were written (the change is dead-lettered; after the
/// operator adds the mapping, a replay sends the then-current plan).
/// </summary>
internal sealed partial class LegacyPlanDelivery(LegacyDbContext db, IProductInventory inventory, LegacyCustomerService legacy, ILogger<LegacyPlanDelivery> logger)
{
    /// <summary>The dead-letter reason of a plan change whose offering has no legacy plan code.</summary>
    public const string PlanNotMapped = "PLAN_NOT_MAPPED";

    /// <summary>Answers the number of <c>ChangePlan</c> writes it took.</summary>
    public async Task<int> SynchronizeAsync(LegacyChange change, IReadOnlyList<string> legacyIds, CancellationToken cancellationToken)
    {
        var table = await LegacyPlanTable.ReadAsync(db, cancellationToken);
        var writes = 0;
        var unmapped = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var legacyId in legacyIds)
        {
            writes += await SynchronizeRecordAsync(change, legacyId, table, unmapped, cancellationToken);
        }

        if (unmapped.Count > 0)
        {
            throw new LegacyPlanNotMappedException(unmapped);
        }

        return writes;
    }

    private async Task<int> SynchronizeRecordAsync(LegacyChange change, string legacyId, LegacyPlanTable table, SortedSet<string> unmapped, CancellationToken cancellationToken)
    {
        return await LegacyRereads.RunAsync(async round =>
        {
            var current = await legacy.GetCustomerAsync(legacyId, change.TraceParent, cancellationToken);
            round.Version = current.Version;
            if (LegacyFields.IsErased(current.Status))
            {
                return;
            }

            foreach (var difference in await LegacyPlans.DifferencesAsync(current, table, inventory, cancellationToken))
            {
                if (difference.WantedCode is not { } planCode)
                {
                    unmapped.Add(difference.OfferingId);
                    continue;
                }

                round.Wrote(await legacy.WriteAsync("ChangePlan", legacyId, round.Version, [("SubscriptionId", difference.SubscriptionId), ("PlanCode", planCode)],
                    change.TraceParent, cancellationToken));
                LogPlanWritten(logger, change.Id, legacyId, difference.SubscriptionId, planCode, round.Version, change.TraceId);
            }
        }, change, legacyId, logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId}: record {LegacyCustomerId} subscription {SubscriptionId} plan set to {PlanCode} (version {Version}), trace {TraceId}")]
    private static partial void LogPlanWritten(ILogger logger, string changeId, string legacyCustomerId, string subscriptionId, string planCode, long version, string? traceId);
}

/// <summary>A migrated line's offering has no legacy plan code in the operator's table: the change is dead-lettered with the offerings named (no personal data).</summary>
internal sealed class LegacyPlanNotMappedException(IReadOnlyCollection<string> offeringIds)
    : Exception($"{LegacyPlanDelivery.PlanNotMapped}: no legacy plan code maps to offering {string.Join(", ", offeringIds)}; add one with PUT /admin/legacy/planMappings and replay");
