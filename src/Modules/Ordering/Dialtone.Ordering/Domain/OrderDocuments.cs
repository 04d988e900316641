using System.Text.Json.Nodes;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Domain;

/// <summary>
/// Keeps a product order's TMF622 representation in step with its process: the order's and items' state follow the
/// process stage (each move recorded in <c>stateChange</c> and published as a state change event by the platform), and
/// so does its TMF641 service order.
/// </summary>
internal static class OrderDocuments
{
    /// <summary>The TMF622 state that shows a process stage to clients.</summary>
    public static string StateOf(OrderProcess process) => process.Stage switch
    {
        ProcessStage.Accepted => OrderState.Acknowledged,
        ProcessStage.AwaitingIdentity => OrderState.Pending,
        ProcessStage.Held => OrderState.Held,
        ProcessStage.Cancelling => process.PastPointOfNoReturn ? OrderState.PendingCancellation : OrderState.AssessingCancellation,
        ProcessStage.Completed => OrderState.Completed,
        ProcessStage.Failed => OrderState.Failed,
        ProcessStage.Cancelled => OrderState.Cancelled,
        _ => OrderState.InProgress,
    };

    public static Task<TmfDocument?> FindAsync(OrderingDbContext db, string orderId, CancellationToken cancellationToken) =>
        db.Documents.ForUpdate(OrderingResources.ProductOrder).FirstOrDefaultAsync(d => d.Id == orderId, cancellationToken);

    /// <summary>
    /// Writes the order's state for <paramref name="process"/> and whatever <paramref name="edit"/> changes, as one new
    /// version with its events on the outbox; the caller commits.
    /// </summary>
    public static async Task SyncAsync(IDbContextOutbox<OrderingDbContext> outbox, TmfDocument document, OrderProcess process, string? reason,
        TmfWriteContext context, Action<ProductOrder>? edit = null, CancellationToken cancellationToken = default)
    {
        await Features.ServiceOrders.ServiceOrderDocuments.SyncAsync(outbox, process, context, cancellationToken);
        var before = JsonNode.Parse(document.Body)!.AsObject();
        var order = TmfRepresentation.FromJson<ProductOrder>(before.DeepClone().AsObject());
        edit?.Invoke(order);
        var state = StateOf(process);
        if (order.State != state)
        {
            order.State = state;
            order.StateChange = [.. order.StateChange ?? [], new OrderStateChange { State = state, ChangeDate = context.Now, ChangeReason = reason }];
            foreach (var item in order.ProductOrderItem ?? [])
            {
                item.State = state;
            }
        }

        var after = TmfRepresentation.ToJsonObject(order);
        after.Remove("href");
        await TmfResourceEndpoints.UpdateDocumentAsync(outbox, OrderingResources.ProductOrder, document, before, after, context, audited: true);
    }
}
