using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation.ServiceInventory;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Inventory.Features.Services;

/// <summary>
/// TMF638 services belong to the parties of the product they realize (copied onto the service): each sees them, agents
/// see all, a partner the services of its own orders. Like products, services change through completed orders only.
/// </summary>
internal sealed class ServiceRules : CustomerDataRules<Service>
{
    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>();

    public override TmfResourceDescriptor Resource => InventoryResources.Service;

    protected override IReadOnlySet<string> SelfServiceWritable => Nothing;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(Service representation, string partyId) => Names(representation.RelatedParty?.Select(p => p.Id), partyId);

    protected override Task ValidateResourceAsync(Service? before, Service after, TmfWriteContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
