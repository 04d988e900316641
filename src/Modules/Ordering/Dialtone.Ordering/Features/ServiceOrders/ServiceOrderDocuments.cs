using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation.ServiceOrdering;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.ServiceOrders;

/// <summary>
/// The TMF641 service order of a product order: written with the product order (one service order per product order,
/// one item per service its items act on) and kept in step with the order's process on every committed move, so its
/// state and each item's state show how far the network and the eSIM platform are; state changes are hub events.
/// </summary>
internal static class ServiceOrderDocuments
{
    /// <summary>Writes the service order of a new product order, or nothing when no item acts on a service (e.g. only <c>noChange</c>); returns its id.</summary>
    public static async Task<string?> CreateAsync(IDbContextOutbox<OrderingDbContext> outbox, ServiceOrderRules rules, OrderProcess process,
        IReadOnlyList<Dialtone.Ordering.Domain.Representation.RelatedParty>? parties, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var services = ServiceDecomposition.Of(process.Steps);
        if (services.Count == 0)
        {
            return null;
        }

        var order = new ServiceOrder
        {
            Description = "Services of product order " + process.OrderId,
            ExternalId = process.OrderId,
            OrderDate = context.Now,
            State = OrderDocuments.StateOf(process),
            OrderRelationship = [new ServiceOrderRelationship { Id = process.OrderId, Href = OrderingResources.ProductOrder.BasePath + "/" + process.OrderId, RelationshipType = "decomposedFrom", ReferredType = "ProductOrder" }],
            RelatedParty = parties?.Select(p => new RelatedParty { Id = p.Id, Href = p.Href, Role = p.Role, ReferredType = p.ReferredType }).ToList(),
            ServiceOrderItem = [.. services.Select(s => Item(s, process))],
        };
        var (document, _) = await TmfResourceEndpoints.CreateDocumentAsync<OrderingDbContext, ServiceOrder, ServiceOrderRules>(
            outbox, rules, TmfRepresentation.ToJsonObject(order), context, cancellationToken);
        return document.Id;
    }

    /// <summary>Brings the service order's and its items' states to the process's; writes a version only when something changed.</summary>
    public static async Task SyncAsync(IDbContextOutbox<OrderingDbContext> outbox, OrderProcess process, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (process.ServiceOrderId is not { } id)
        {
            return;
        }

        var document = await outbox.DbContext.Documents.ForUpdate(ServiceOrderingResources.ServiceOrder).FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (document is null)
        {
            return;
        }

        var before = JsonNode.Parse(document.Body)!.AsObject();
        var order = TmfRepresentation.FromJson<ServiceOrder>(before.DeepClone().AsObject());
        var services = ServiceDecomposition.Of(process.Steps);
        order.State = OrderDocuments.StateOf(process);
        foreach (var item in order.ServiceOrderItem ?? [])
        {
            var service = services.FirstOrDefault(s => s.ServiceOrderItemId == item.Id);
            item.State = service is null ? order.State : ItemState(process, service);
        }

        if (process.Stage is ProcessStage.Completed or ProcessStage.Failed or ProcessStage.Cancelled)
        {
            order.CompletionDate ??= context.Now;
        }

        var after = TmfRepresentation.ToJsonObject(order);
        after.Remove("href");
        var unchanged = before.DeepClone().AsObject();
        unchanged.Remove("href");
        if (JsonNode.DeepEquals(unchanged, after))
        {
            return;
        }

        await TmfResourceEndpoints.UpdateDocumentAsync(outbox, ServiceOrderingResources.ServiceOrder, document, before, after, context, audited: false);
    }

    /// <summary>
    /// An item's state from its steps: acknowledged until a step is tried, then inProgress; the order's end decides the
    /// final state (an item is not shown completed before the order is: it could still be undone). States only move on.
    /// </summary>
    public static string ItemState(OrderProcess process, PlannedService service)
    {
        var steps = process.Steps.Where(s => service.StepIds.Contains(s.Id)).ToList();
        var touched = steps.Any(s => s.Status != StepStatus.Pending || s.Attempts > 0);
        return process.Stage switch
        {
            ProcessStage.Accepted or ProcessStage.AwaitingIdentity or ProcessStage.Held or ProcessStage.Completed or ProcessStage.Failed or ProcessStage.Cancelled
                => OrderDocuments.StateOf(process), // waiting or ended: every item is where the order is
            ProcessStage.Cancelling => steps.Any(s => s.Status is StepStatus.Done or StepStatus.Compensated || s.MayHaveActed) ? OrderState.PendingCancellation : OrderState.AssessingCancellation,
            _ when touched => OrderState.InProgress,
            _ => OrderState.Acknowledged,
        };
    }

    private static ServiceOrderItem Item(PlannedService service, OrderProcess process) => new()
    {
        Id = service.ServiceOrderItemId,
        Action = service.Action,
        State = ItemState(process, service),
        Service = new ServiceRefOrValue
        {
            Id = service.ServiceId,
            Href = "/tmf-api/serviceInventory/v4/service/" + service.ServiceId,
            Name = service.Name,
            State = service.TargetState,
            ServiceSpecification = new ServiceSpecificationRef { Id = service.Specification, Name = service.Specification },
            ServiceCharacteristic = service.Characteristics.Count == 0 ? null
                : [.. service.Characteristics.Select(c => new Characteristic { Name = c.Key, ValueType = "string", Value = JsonSerializer.SerializeToElement(c.Value) })],
            RelatedEntity = [new RelatedEntityRefOrValue { Id = service.ProductId, Href = "/tmf-api/productInventory/v4/product/" + service.ProductId, Role = "realizes", ReferredType = "Product" }],
        },
    };
}
