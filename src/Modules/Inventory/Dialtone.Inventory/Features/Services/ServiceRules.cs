using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation.ServiceInventory;
using Dialtone.Platform.Tmf;

namespace Dialtone.Inventory.Features.Services;

/// <summary>
/// TMF638 services belong to the parties of the product they realize (copied onto the service): each sees them, agents
/// see all, a partner the services of its own orders. Like products, services change through completed orders only.
/// </summary>
internal sealed class ServiceRules() : RecordRules<Service>(InventoryResources.Service, s => s.RelatedParty?.Select(r => r.Id));
