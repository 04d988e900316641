using System.Text.Json.Nodes;
using Dialtone.Inventory.Contracts;
using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation.ServiceInventory;
using Dialtone.Inventory.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Inventory.Features.Services;

/// <summary>
/// Writes the TMF638 services of one completed order item, in the transaction that changes its product: a new service
/// for <c>add</c>, its state and named characteristics for <c>modify</c>, <c>terminated</c> with an end date for
/// <c>delete</c>; each keeps the service order items that touched it. Services name the product's parties (who may see
/// them) and the product they realize (<c>relatedEntity</c>, role <c>realizes</c>).
/// </summary>
internal static class ServiceRecords
{
    public static async Task ApplyAsync(IDbContextOutbox<InventoryDbContext> outbox, ServiceRules rules, InventoryChange change,
        IReadOnlyList<Dialtone.Inventory.Domain.Representation.RelatedParty>? parties, TmfWriteContext context, CancellationToken cancellationToken)
    {
        foreach (var service in change.Services ?? [])
        {
            var document = await outbox.DbContext.Documents.ForUpdate(InventoryResources.Service).FirstOrDefaultAsync(d => d.Id == service.Id, cancellationToken);
            var orderItem = new RelatedServiceOrderItem
            {
                ServiceOrderId = service.ServiceOrderId,
                ServiceOrderHref = "/tmf-api/serviceOrdering/v4/serviceOrder/" + service.ServiceOrderId,
                ItemId = service.ServiceOrderItemId,
                ItemAction = service.Action,
                Role = service.Action,
                ReferredType = "ServiceOrder",
            };
            if (document is null)
            {
                if (service.Action != "add")
                {
                    continue; // a service from before services were recorded: nothing to change
                }

                var created = new Service
                {
                    Name = service.Name,
                    State = service.State ?? ServiceState.Active,
                    StartDate = context.Now,
                    HasStarted = true,
                    IsServiceEnabled = true,
                    IsStateful = true,
                    IsBundle = false,
                    ServiceType = service.Specification,
                    ServiceSpecification = new ServiceSpecificationRef { Id = service.Specification, Name = service.Specification },
                    ServiceCharacteristic = Characteristics(service.Characteristics),
                    RelatedParty = parties?.Select(p => new RelatedParty { Id = p.Id, Href = p.Href, Role = p.Role, ReferredType = p.ReferredType }).ToList(),
                    RelatedEntity = [new RelatedEntityRefOrValue { Id = change.ProductId, Href = InventoryResources.Product.BasePath + "/" + change.ProductId, Role = "realizes", ReferredType = "Product" }],
                    ServiceOrderItem = [orderItem],
                };
                await TmfResourceEndpoints.CreateDocumentAsync<InventoryDbContext, Service, ServiceRules>(outbox, rules, TmfRepresentation.ToJsonObject(created), context, cancellationToken, service.Id);
                continue;
            }

            var before = JsonNode.Parse(document.Body)!.AsObject();
            var existing = TmfRepresentation.FromJson<Service>(before.DeepClone().AsObject());
            if (service.Action == "delete")
            {
                existing.State = ServiceState.Terminated;
                existing.EndDate = context.Now;
                existing.IsServiceEnabled = false;
            }
            else if (service.State is { } state)
            {
                existing.State = state;
                existing.IsServiceEnabled = state == ServiceState.Active;
            }

            var kept = (existing.ServiceCharacteristic ?? []).Where(c => service.Characteristics.All(n => n.Name != c.Name));
            existing.ServiceCharacteristic = [.. kept, .. Characteristics(service.Characteristics) ?? []];
            existing.ServiceOrderItem = [.. existing.ServiceOrderItem ?? [], orderItem];
            var after = TmfRepresentation.ToJsonObject(existing);
            after.Remove("href");
            await TmfResourceEndpoints.UpdateDocumentAsync(outbox, InventoryResources.Service, document, before, after, context, audited: true);
        }
    }

    private static List<Characteristic>? Characteristics(IReadOnlyList<InventoryCharacteristic> characteristics) =>
        characteristics.Count == 0 ? null : [.. characteristics.Select(c => new Characteristic { Name = c.Name, ValueType = c.ValueType, Value = c.Value })];
}
