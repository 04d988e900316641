using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation.ServiceOrdering;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Ordering.Features.ServiceOrders;

/// <summary>
/// TMF641 service orders are the decomposition of product orders: written by Dialtone only (submit and fulfilment),
/// read through the API by whoever may read the product order (its parties, agents, the partner that placed it).
/// </summary>
internal sealed class ServiceOrderRules : CustomerDataRules<ServiceOrder>
{
    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>();

    public override TmfResourceDescriptor Resource => ServiceOrderingResources.ServiceOrder;

    protected override IReadOnlySet<string> SelfServiceWritable => Nothing;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(ServiceOrder representation, string partyId) => Names(representation.RelatedParty?.Select(p => p.Id), partyId);

    protected override Task ValidateResourceAsync(ServiceOrder? before, ServiceOrder after, TmfWriteContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
