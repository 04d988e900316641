using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation.ServiceOrdering;
using Dialtone.Platform.Tmf;

namespace Dialtone.Ordering.Features.ServiceOrders;

/// <summary>
/// TMF641 service orders are the decomposition of product orders: written by Dialtone only (submit and fulfilment),
/// read through the API by whoever may read the product order (its parties, agents, the partner that placed it).
/// </summary>
internal sealed class ServiceOrderRules() : RecordRules<ServiceOrder>(ServiceOrderingResources.ServiceOrder, o => o.RelatedParty?.Select(r => r.Id));
