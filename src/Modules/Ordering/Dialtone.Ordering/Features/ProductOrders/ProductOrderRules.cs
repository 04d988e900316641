using System.Runtime.CompilerServices;
using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Features.ServiceOrders;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Features.IdentityChecks;
using Dialtone.Ordering.Handlers;
using Dialtone.Ordering.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.ProductOrders;

/// <summary>
/// TMF622 product orders. Submitting one judges every item (<see cref="OrderPlanner"/>), and in the same transaction as
/// the order stores its fulfilment process and the message that starts it. An order belongs to the parties it names: a
/// customer orders for themself only (their party is filled in when left out), an agent for any customer, a partner
/// for the parties it created. What the server decides (state, dates, prices, history) cannot be given; after submit,
/// only descriptive attributes change through PATCH (and the order moves on through fulfilment and cancellation).
/// </summary>
internal sealed class ProductOrderRules(OrderPlanner planner, ServiceOrderRules serviceOrders, IServiceScopeFactory scopes)
    : CustomerDataRules<ProductOrder>, ITmfCreateEffects<OrderingDbContext, ProductOrder>
{
    public const string CustomerRole = "customer";

    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>();

    private static readonly IReadOnlySet<string> Assigned = new HashSet<string>(StringComparer.Ordinal)
    {
        "state", "orderDate", "completionDate", "cancellationDate", "expectedCompletionDate", "orderTotalPrice", "stateChange", "cancellationMode",
    };

    private static readonly HashSet<string> StaffWritable = new HashSet<string>(StringComparer.Ordinal)
    {
        "description", "note", "externalId", "priority", "category", "notificationContact",
    };

    private static readonly string[] PartyRoles = [CustomerRole, "user", "payer"];

    private readonly ConditionalWeakTable<ProductOrder, OrderPlan> plans = new();

    public override TmfResourceDescriptor Resource => OrderingResources.ProductOrder;

    protected override IReadOnlySet<string> SelfServiceWritable => Nothing;

    protected override IReadOnlySet<string> ServerAssigned => Assigned;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(ProductOrder representation, string partyId) => Names(representation.RelatedParty?.Select(p => p.Id), partyId);

    protected override void ApplyResourceDefaults(ProductOrder created, TmfWriteContext context)
    {
        created.State = OrderState.Acknowledged;
        created.OrderDate = context.Now;
        created.StateChange = [new OrderStateChange { State = OrderState.Acknowledged, ChangeDate = context.Now, ChangeReason = "Order received and validated." }];
        foreach (var item in created.ProductOrderItem ?? [])
        {
            item.State = OrderState.Acknowledged;
        }
    }

    protected override async Task ValidateResourceAsync(ProductOrder? before, ProductOrder after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (before is not null)
        {
            var changed = TmfRepresentation.ChangedAttributes(TmfRepresentation.ToJsonObject(before), TmfRepresentation.ToJsonObject(after));
            var refused = changed.FirstOrDefault(a => !StaffWritable.Contains(a));
            if (refused is not null)
            {
                throw TmfProblemException.BadRequest("ATTRIBUTE_NOT_WRITABLE",
                    $"'{refused}' of a submitted order cannot be changed; cancel it with cancelProductOrder or place a new order. Changeable: {string.Join(", ", StaffWritable.Order(StringComparer.Ordinal))}.");
            }

            return;
        }

        var customer = await CustomerAsync(after, context, cancellationToken);
        var db = (OrderingDbContext)context.Db;
        var plan = await planner.PlanAsync(after, customer, context.Caller, db, context.Now, cancellationToken);
        after.OrderTotalPrice = OrderTotals.Of(after.ProductOrderItem ?? []);
        if (plan.AddsMobileLine && !await IdentityCheckRules.HasPassedAsync(db, customer.PartyId, cancellationToken))
        {
            plan = plan with { AwaitsIdentity = true };
            after.State = OrderState.Pending;
            after.StateChange!.Add(new OrderStateChange { State = OrderState.Pending, ChangeDate = context.Now, ChangeReason = IdentityCheckRules.WaitingReason });
            after.Note = [.. after.Note ?? [], new Note { Text = IdentityCheckRules.WaitingReason, Date = context.Now, Author = "Dialtone" }];
            foreach (var item in after.ProductOrderItem ?? [])
            {
                item.State = OrderState.Pending;
            }
        }

        if (after.RequestedStartDate is { } start && start > context.Now)
        {
            // A change at a later date (a plan change at the next bill cycle): judged and priced now, held until then.
            if (start > context.Now.Add(MaxHold))
            {
                throw TmfProblemException.BadRequest("INVALID_VALUE", $"'requestedStartDate' may lie at most {MaxHold.TotalDays:0} days ahead.");
            }

            plan = plan with { HeldUntil = start };
            if (!plan.AwaitsIdentity)
            {
                var reason = $"Held until the requested start date {Platform.Json.UtcDateTimeOffsetConverter.Format(start)}.";
                after.State = OrderState.Held;
                after.StateChange!.Add(new OrderStateChange { State = OrderState.Held, ChangeDate = context.Now, ChangeReason = reason });
                foreach (var item in after.ProductOrderItem ?? [])
                {
                    item.State = OrderState.Held;
                }
            }
        }

        plans.AddOrUpdate(after, plan);
    }

    /// <summary>How far ahead an order may ask to start (beyond a year, a plan is a wish, not an order).</summary>
    private static readonly TimeSpan MaxHold = TimeSpan.FromDays(366);

    public async Task OnCreatedAsync(ProductOrder created, TmfDocument document, TmfWriteContext context, IDbContextOutbox<OrderingDbContext> outbox, CancellationToken cancellationToken)
    {
        if (!plans.TryGetValue(created, out var plan))
        {
            throw new InvalidOperationException("An order was created without being judged first.");
        }

        plans.Remove(created);
        var process = OrderProcess.Start(document.Id, context.Caller.OwnerKey ?? "system", plan.PartyId, plan.AwaitsIdentity, plan.Steps, plan.Changes, context.Now, plan.HeldUntil);
        outbox.DbContext.Processes.Add(process);
        if (await ServiceOrderDocuments.CreateAsync(outbox, serviceOrders, process, created.RelatedParty, context, cancellationToken) is { } serviceOrderId)
        {
            process.AttachServiceOrder(serviceOrderId);
        }

        if (process.Stage == ProcessStage.Accepted)
        {
            await outbox.PublishAsync(new AdvanceProductOrder(document.Id));
        }
    }

    public override Task EnsureDeletableAsync(ProductOrder current, TmfWriteContext context, CancellationToken cancellationToken) =>
        throw TmfProblemException.Conflict("ORDER_IS_A_RECORD", "A product order is kept as a record and cannot be deleted; cancel it with cancelProductOrder.");

    /// <summary>
    /// The customer the order is for (relatedParty with role <c>customer</c>) and the other parties its products name.
    /// A customer may name only their own party; a partner only parties it created; unknown parties answer as if absent.
    /// </summary>
    private async Task<OrderCustomer> CustomerAsync(ProductOrder order, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var caller = context.Caller;
        order.RelatedParty ??= [];
        if (caller.IsSelfService && order.RelatedParty.Count == 0)
        {
            order.RelatedParty.Add(new RelatedParty { Id = caller.PartyId, Role = CustomerRole, ReferredType = "Individual" });
        }

        var customers = order.RelatedParty.Where(p => string.Equals(p.Role, CustomerRole, StringComparison.OrdinalIgnoreCase)).ToList();
        if (customers.Count != 1)
        {
            throw TmfProblemException.BadRequest("MISSING_CUSTOMER", "'relatedParty' must name exactly one party with role 'customer': the customer the order is for.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<IPartyDirectory>();
        var parties = new List<InventoryParty>();
        for (var i = 0; i < order.RelatedParty.Count; i++)
        {
            var related = order.RelatedParty[i];
            var role = related.Role?.ToLowerInvariant();
            if (role is null || !PartyRoles.Contains(role))
            {
                throw TmfProblemException.BadRequest("INVALID_ROLE", $"'relatedParty[{i}]' has role '{related.Role}'; an order names its parties as: {string.Join(", ", PartyRoles)}.");
            }

            if (caller.IsSelfService && related.Id != caller.PartyId)
            {
                throw TmfProblemException.BadRequest("CUSTOMER_MISMATCH", $"'relatedParty[{i}]' names another party: a customer orders for themself only.");
            }

            var party = string.IsNullOrWhiteSpace(related.Id) ? null : await directory.FindAsync(related.Id, cancellationToken);
            var usable = party is not null && (caller.IsSelfService || CustomerDataAccess.MayUseAsStaffOrCreator(party.CreatedBy, caller));
            if (!usable)
            {
                throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'relatedParty[{i}]' names party '{related.Id}', which does not exist.");
            }

            related.Role = role;
            related.ReferredType = party!.ReferredType;
            related.Href = $"/tmf-api/party/v4/{char.ToLowerInvariant(party.ReferredType[0])}{party.ReferredType[1..]}/{party.Id}";
            parties.Add(new InventoryParty(party.Id, role, party.ReferredType));
        }

        return new OrderCustomer(customers[0].Id!, parties);
    }
}

/// <summary>The order's total of each price type (and recurring period): what the customer pays once and every month.</summary>
internal static class OrderTotals
{
    public static List<OrderPrice>? Of(IEnumerable<ProductOrderItem> items)
    {
        var totals = items.SelectMany(i => i.ItemPrice ?? [])
            .Where(p => p.PriceType is "oneTime" or "recurring" && p.Price?.TaxIncludedAmount?.Value is not null)
            .GroupBy(p => (p.PriceType, p.RecurringChargePeriod, p.Price!.TaxIncludedAmount!.Unit))
            .Select(g => new OrderPrice
            {
                Name = g.Key.PriceType == "oneTime" ? "Total one-time charges" : $"Total recurring charges per {g.Key.RecurringChargePeriod}",
                PriceType = g.Key.PriceType,
                RecurringChargePeriod = g.Key.RecurringChargePeriod,
                Price = new Price { TaxIncludedAmount = new Money { Unit = g.Key.Unit, Value = g.Sum(p => p.Price!.TaxIncludedAmount!.Value!.Value) } },
            })
            .ToList();
        return totals.Count == 0 ? null : totals;
    }
}
