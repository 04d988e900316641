using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Inventory.Features.Products;

/// <summary>
/// TMF637 products belong to the parties they name (the customer who holds them, the family member who uses a line, the
/// payer): each sees them, agents see all, a partner the products of its own orders. Nobody writes a product through
/// the API: only a completed order changes inventory (<see cref="ProductInventory"/>).
/// </summary>
internal sealed class ProductRules : CustomerDataRules<Product>
{
    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>();

    public override TmfResourceDescriptor Resource => InventoryResources.Product;

    protected override IReadOnlySet<string> SelfServiceWritable => Nothing;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(Product representation, string partyId) => Names(representation.RelatedParty?.Select(p => p.Id), partyId);

    protected override Task ValidateResourceAsync(Product? before, Product after, TmfWriteContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
