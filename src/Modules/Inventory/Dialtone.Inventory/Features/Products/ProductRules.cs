using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation;
using Dialtone.Platform.Tmf;

namespace Dialtone.Inventory.Features.Products;

/// <summary>
/// TMF637 products belong to the parties they name (the customer who holds them, the family member who uses a line, the
/// payer): each sees them, agents see all, a partner the products of its own orders. Nobody writes a product through
/// the API: only a completed order changes inventory (<see cref="ProductInventory"/>).
/// </summary>
internal sealed class ProductRules() : RecordRules<Product>(InventoryResources.Product, p => p.RelatedParty?.Select(r => r.Id));
