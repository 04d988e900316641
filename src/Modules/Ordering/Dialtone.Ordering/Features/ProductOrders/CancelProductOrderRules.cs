using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Handlers;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.ProductOrders;

/// <summary>
/// TMF622 <c>cancelProductOrder</c>: a request to cancel an order that has not completed. It is judged at once: an order
/// that completed, failed or was cancelled answers 409 and nothing is stored. Otherwise the order moves to
/// <c>assessingCancellation</c> and its process takes over: before the point of no return (no network step succeeded)
/// the order is simply withdrawn; after it, what the network did is undone first (<c>pendingCancellation</c>) and the
/// order says so in <c>cancellationMode</c>. The request is <c>inProgress</c> until then and <c>done</c> after.
/// </summary>
internal sealed class CancelProductOrderRules(ProductOrderRules orders) : CustomerDataRules<CancelProductOrder>, ITmfCreateEffects<OrderingDbContext, CancelProductOrder>
{
    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>();

    private static readonly IReadOnlySet<string> Assigned = new HashSet<string>(StringComparer.Ordinal) { "state", "effectiveCancellationDate", "relatedParty" };

    public override TmfResourceDescriptor Resource => OrderingResources.CancelProductOrder;

    protected override IReadOnlySet<string> SelfServiceWritable => Nothing;

    protected override IReadOnlySet<string> ServerAssigned => Assigned;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(CancelProductOrder representation, string partyId) => Names(representation.RelatedParty?.Select(p => p.Id), partyId);

    protected override void ApplyResourceDefaults(CancelProductOrder created, TmfWriteContext context) => created.State = TaskState.InProgress;

    protected override async Task ValidateResourceAsync(CancelProductOrder? before, CancelProductOrder after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (before is not null)
        {
            throw TmfProblemException.BadRequest("ATTRIBUTE_NOT_WRITABLE", "A cancellation request cannot be changed once made.");
        }

        var orderId = after.ProductOrder?.Id;
        var db = (OrderingDbContext)context.Db;
        var document = string.IsNullOrWhiteSpace(orderId) ? null : await OrderDocuments.FindAsync(db, orderId, cancellationToken);
        var order = document is null ? null : TmfRepresentation.FromStored<ProductOrder>(document);
        if (order is null || !orders.IsVisibleTo(order, document!, context.Caller, context.Now))
        {
            throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'productOrder' names order '{orderId}', which does not exist.");
        }

        var process = await db.Processes.FirstAsync(p => p.OrderId == orderId, cancellationToken);
        if (!process.MayBeCancelled)
        {
            throw TmfProblemException.Conflict("ORDER_NOT_CANCELLABLE", process.Stage == ProcessStage.Completing
                ? $"Order '{orderId}' is being completed and can no longer be cancelled; undo it with a new order."
                : process.Irreversible && process.Stage == ProcessStage.Provisioning
                ? $"Order '{orderId}' has passed its point of no return (a step that cannot be undone has started) and can no longer be cancelled."
                : $"Order '{orderId}' is {OrderDocuments.StateOf(process)} and can no longer be cancelled{(process.Stage == ProcessStage.Completed ? "; undo it with a new order (modify or delete items)" : "")}.");
        }

        after.ProductOrder!.Href = OrderingResources.ProductOrder.BasePath + "/" + orderId;
        after.RelatedParty = order.RelatedParty;
    }

    public async Task OnCreatedAsync(CancelProductOrder created, TmfDocument document, TmfWriteContext context, IDbContextOutbox<OrderingDbContext> outbox, CancellationToken cancellationToken)
    {
        var db = outbox.DbContext;
        var orderId = created.ProductOrder!.Id!;
        var process = await db.Processes.FirstAsync(p => p.OrderId == orderId, cancellationToken);
        process.RequestCancellation(document.Id, context.Now);
        var order = (await OrderDocuments.FindAsync(db, orderId, cancellationToken))!;
        await OrderDocuments.SyncAsync(outbox, order, process, created.CancellationReason is { Length: > 0 } why ? $"Cancellation requested: {why}" : "Cancellation requested.", context,
            edit: o => o.CancellationReason = created.CancellationReason, cancellationToken: cancellationToken);
        await outbox.PublishAsync(new AdvanceProductOrder(orderId));
    }
}
