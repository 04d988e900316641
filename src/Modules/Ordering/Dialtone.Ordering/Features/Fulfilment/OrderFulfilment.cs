using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Contracts;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Features.ServiceOrders;
using Dialtone.Ordering.Handlers;
using Dialtone.Ordering.Numbers;
using Dialtone.Ordering.Persistence;
using Dialtone.Ordering.Provisioning;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.Fulfilment;

/// <summary>
/// Carries an order through its process: each network call is made outside any database transaction, and its result is
/// committed (with the order's new state and its events) before the next call. A message redelivered after a crash
/// finds the last committed step and goes on from there; a step whose result was not committed is called again with
/// the same idempotency key, and the provisioning system answers as the first time. A down system makes the order wait
/// (its process row says until when, with growing delays, and <see cref="OrderDeadlines"/> wakes it then); after the
/// retry budget the order fails and what was done is undone. Retry timing runs on the wall clock, like the adapter's
/// resilience pipeline.
/// </summary>
internal sealed partial class OrderFulfilment(
    IServiceScopeFactory scopes,
    IProvisioningSystems systems,
    IProductInventory inventory,
    NumberPool numbers,
    TimeProvider clock,
    IOptions<OrderingOptions> options,
    IOptions<DialtoneOptions> platform,
    ILogger<OrderFulfilment> logger)
{
    private const int MaxMovesPerMessage = 1_000;

    public async Task AdvanceAsync(string orderId, CancellationToken cancellationToken)
    {
        for (var moves = 0; moves < MaxMovesPerMessage; moves++)
        {
            OrderProcess? process;
            await using (var scope = scopes.CreateAsyncScope())
            {
                process = await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Processes.AsNoTracking()
                    .FirstOrDefaultAsync(p => p.OrderId == orderId, cancellationToken);
            }

            if (process is null)
            {
                LogUnknownOrder(orderId);
                return;
            }

            var move = process.NextMove(clock.GetUtcNow());
            switch (move)
            {
                case ProcessMove.Stop:
                    return;
                case ProcessMove.Begin:
                    await CommitAsync(orderId, "Fulfilment started.", (p, _, _) =>
                    {
                        if (p.Stage == ProcessStage.Accepted)
                        {
                            p.Begin(clock.GetUtcNow());
                        }

                        return Task.CompletedTask;
                    }, cancellationToken);
                    break;
                case ProcessMove.Execute(var step):
                    if (!await ExecuteAsync(orderId, step, process.Irreversible, cancellationToken))
                    {
                        return; // the deadline poller comes back when the retry is due
                    }

                    break;
                case ProcessMove.Undo(var step):
                    if (!await UndoAsync(orderId, step, cancellationToken))
                    {
                        return;
                    }

                    break;
                case ProcessMove.FinishCancellation:
                    await FinishCancellationAsync(orderId, cancellationToken);
                    break;
                case ProcessMove.FinishFailure:
                    await CommitAsync(orderId, null, async (p, db, commit) =>
                    {
                        if (!p.FailedWithoutUndoing)
                        {
                            await numbers.ReleaseAsync(db, orderId, cancellationToken);
                        }

                        p.End(ProcessStage.Failed, clock.GetUtcNow());
                        commit.Reason = $"Failed: {p.FailureReason}";
                        commit.Edit = o => o.Note = [.. o.Note ?? [], new Note { Text = $"Failed: {p.FailureReason}", Date = clock.GetUtcNow(), Author = "Dialtone" }];
                    }, cancellationToken);
                    break;
                case ProcessMove.Complete:
                    await CompleteAsync(orderId, process, cancellationToken);
                    break;
            }
        }
    }

    /// <summary>Carries out one step; false when it must wait for a scheduled retry.</summary>
    private async Task<bool> ExecuteAsync(string orderId, ProcessStep step, bool irreversible, CancellationToken cancellationToken)
    {
        if (step.Undo is null && !irreversible)
        {
            // The order's point of no return is committed before a step that cannot be undone is started.
            var passed = false;
            await CommitAsync(orderId, null, (p, _, commit) =>
            {
                var now = clock.GetUtcNow();
                passed = p.PassPointOfNoReturn(now);
                if (passed)
                {
                    commit.Edit = o => o.Note = [.. o.Note ?? [], new Note { Text = $"Past the point of no return ({step.Operation} cannot be undone): the order can no longer be cancelled.", Date = now, Author = "Dialtone" }];
                }

                return Task.CompletedTask;
            }, cancellationToken);
            if (!passed)
            {
                return true; // cancelled or failed meanwhile: the next move undoes instead
            }
        }

        var call = new ProvisioningCall(step.System, step.Operation, $"{orderId}/{step.Id}", step.Input);
        try
        {
            var output = await systems.ExecuteAsync(call, cancellationToken);
            await CommitAsync(orderId, null, (p, _, _) =>
            {
                p.StepDone(step.Id, output, clock.GetUtcNow());
                return Task.CompletedTask;
            }, cancellationToken);
            return true;
        }
        catch (ProvisioningUnavailableException e)
        {
            LogStepUnavailable(orderId, step.Operation, e.Message);
            var waiting = false;
            await CommitAsync(orderId, null, (p, _, _) =>
            {
                var settings = options.Value;
                if (p.Stage != ProcessStage.Provisioning)
                {
                    p.TryFailed(step.Id, e.Message, e.OutcomeUnknown, clock.GetUtcNow()); // cancelled meanwhile: no waiting, undoing starts now
                    return Task.CompletedTask;
                }

                // Past the point of no return there is no giving up: only steps that cannot be undone are left.
                var budget = p.Irreversible ? int.MaxValue : settings.MaxStepAttempts;
                if (p.StepFailedForNow(step.Id, e.Message, e.OutcomeUnknown, budget, settings.FirstRetryDelay, settings.MaxRetryDelay, clock.GetUtcNow(), TimeProvider.System.GetUtcNow()))
                {
                    waiting = true;
                }
                else
                {
                    p.Fail($"{step.Operation} on the {step.System} did not succeed after {settings.MaxStepAttempts} attempts (last error: {e.Message}).", clock.GetUtcNow());
                }

                return Task.CompletedTask;
            }, cancellationToken);
            return !waiting;
        }
        catch (ProvisioningRejectedException e)
        {
            LogStepRejected(orderId, step.Operation, e.Message);
            await CommitAsync(orderId, null, (p, _, _) =>
            {
                var reason = $"{step.Operation} was refused by the {step.System}: {e.Message}";
                if (p.Irreversible)
                {
                    p.FailWithoutUndoing(reason + " (past the point of no return: nothing was undone; an operator must finish the change)", clock.GetUtcNow());
                }
                else
                {
                    p.Fail(reason, clock.GetUtcNow());
                }

                return Task.CompletedTask;
            }, cancellationToken);
            return true;
        }
    }

    /// <summary>Undoing is never given up: a down system delays it (with the capped delay), it does not leave half an order on the network.</summary>
    private async Task<bool> UndoAsync(string orderId, ProcessStep step, CancellationToken cancellationToken)
    {
        var call = new ProvisioningCall(step.System, step.Undo!, $"{orderId}/{step.Id}/undo", step.UndoInput ?? step.Input);
        string? leftover = null;
        try
        {
            await systems.ExecuteAsync(call, cancellationToken);
        }
        catch (ProvisioningUnavailableException e)
        {
            LogStepUnavailable(orderId, step.Undo!, e.Message);
            await CommitAsync(orderId, null, (p, _, _) =>
            {
                p.StepFailedForNow(step.Id, e.Message, outcomeUnknown: false, int.MaxValue, options.Value.FirstRetryDelay, options.Value.MaxRetryDelay, clock.GetUtcNow(), TimeProvider.System.GetUtcNow());
                return Task.CompletedTask;
            }, cancellationToken);
            return false;
        }
        catch (ProvisioningRejectedException e) when (step.MayHaveActed)
        {
            LogNothingToUndo(orderId, step.Undo!, e.Message); // the unanswered try was never carried out
        }
        catch (ProvisioningRejectedException e)
        {
            // Nothing more can be done automatically; the order's note says what is left for an operator.
            LogUndoRejected(orderId, step.Undo!, e.Message);
            leftover = $"Undoing {step.Operation} with {step.Undo} was refused by the {step.System} ({e.Message}): an operator must clean it up.";
        }

        await CommitAsync(orderId, null, (p, _, commit) =>
        {
            var now = clock.GetUtcNow();
            p.StepUndone(step.Id, now);
            if (leftover is not null)
            {
                commit.Edit = o => o.Note = [.. o.Note ?? [], new Note { Text = leftover, Date = now, Author = "Dialtone" }];
            }

            return Task.CompletedTask;
        }, cancellationToken);
        return true;
    }

    private Task FinishCancellationAsync(string orderId, CancellationToken cancellationToken) =>
        CommitAsync(orderId, null, async (p, db, commit) =>
        {
            var now = clock.GetUtcNow();
            var compensated = p.PastPointOfNoReturn;
            await numbers.ReleaseAsync(db, orderId, cancellationToken);
            p.End(ProcessStage.Cancelled, now);
            commit.Reason = compensated ? "Cancelled: what the network had done was undone." : "Cancelled before anything reached the network.";
            commit.Edit = o =>
            {
                o.CancellationDate = now;
                o.CancellationMode = compensated ? "compensated" : "beforePointOfNoReturn";
            };
            if (p.CancelId is { } cancelId)
            {
                await commit.UpdateCancellationAsync(cancelId, TaskState.Done, now);
            }
        }, cancellationToken);

    private async Task CompleteAsync(string orderId, OrderProcess process, CancellationToken cancellationToken)
    {
        if (process.Stage != ProcessStage.Completing)
        {
            // From here on the order cannot be cancelled: inventory is about to change. A cancellation or failure
            // committed since the process was read wins, and the next move undoes instead.
            var completing = false;
            await CommitAsync(orderId, null, (p, _, _) =>
            {
                completing = p.BeginCompletion(clock.GetUtcNow());
                return Task.CompletedTask;
            }, cancellationToken);
            if (!completing)
            {
                return;
            }
        }

        var completedAt = clock.GetUtcNow();
        var orderHref = OrderingResources.ProductOrder.BasePath + "/" + orderId;
        var services = ServiceDecomposition.Of(process.Steps);
        var changes = process.Changes
            .Select(c => WithActivationCode(process, c))
            .Select(c => process.ServiceOrderId is { } serviceOrderId ? c with { Services = ServiceDecomposition.ForInventory(services, c.OrderItemId, serviceOrderId) } : c)
            .ToList();
        await inventory.ApplyAsync(new InventoryChangeSet(orderId, orderHref, process.CreatedBy, completedAt, changes), cancellationToken);

        await CommitAsync(orderId, "All items fulfilled.", async (p, db, commit) =>
        {
            var now = clock.GetUtcNow();
            var productOfValue = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var change in p.Changes.Where(c => c.Action is "add" or "modify"))
            {
                foreach (var identifier in change.Characteristics?.Where(c => c.Name is "msisdn" or "imsi" or "iccid") ?? [])
                {
                    productOfValue[identifier.Value.GetString()!] = change.ProductId;
                }
            }

            await numbers.AssignAsync(db, orderId, productOfValue, now, cancellationToken);
            foreach (var terminated in p.Changes.Where(c => c.Action == "delete"))
            {
                await numbers.QuarantineAsync(db, terminated.ProductId, now, cancellationToken);
            }

            foreach (var replaced in p.Steps.Where(s => s.Operation == ProvisioningOperations.DeleteProfile && s.Input.GetValueOrDefault("iccid") is { Length: > 0 }))
            {
                await numbers.QuarantineValueAsync(db, NumberKind.Iccid, replaced.Input["iccid"], now, cancellationToken);
            }

            p.End(ProcessStage.Completed, now);
            commit.Edit = o =>
            {
                o.CompletionDate = now;
                foreach (var item in o.ProductOrderItem ?? [])
                {
                    var change = p.Changes.FirstOrDefault(c => c.OrderItemId == item.Id);
                    if (change is not null)
                    {
                        item.Product ??= new ProductRefOrValue();
                        item.Product.Id = change.ProductId;
                        item.Product.Href = "/tmf-api/productInventory/v4/product/" + change.ProductId;
                        if (change.IsBundle)
                        {
                            item.Product.IsBundle = true;
                        }
                    }
                }
            };
            await commit.Outbox.PublishAsync(new ProductOrderCompleted(orderId, now, p.Changes.Select(c => c.BillingAccountId).FirstOrDefault(b => b is not null),
                [.. p.Changes.Select(c => new CompletedOrderItem(c.OrderItemId, c.Action, c.ProductId, c.OfferingId, c.IsBundle, c.BundleProductId))]));
        }, cancellationToken);
    }

    /// <summary>A new eSIM profile's activation code, from what the SM-DP+ answered: GSMA SGP.22 <c>LPA:1$&lt;address&gt;$&lt;matching id&gt;</c>.</summary>
    private InventoryChange WithActivationCode(OrderProcess process, InventoryChange change)
    {
        var matchingId = process.Output(change.OrderItemId, ProvisioningOperations.PrepareProfile, "matchingId");
        if (matchingId is null)
        {
            return change;
        }

        var address = options.Value.Smdp.PublicAddress ?? process.Output(change.OrderItemId, ProvisioningOperations.PrepareProfile, "smdpAddress");
        return change with { ActivationCode = $"LPA:1${address}${matchingId}" };
    }

    /// <summary>
    /// One committed move: the process row, the order's document (state and edits) and the messages, in one serialised
    /// write transaction; no network call happens inside it.
    /// </summary>
    private async Task CommitAsync(string orderId, string? reason, Func<OrderProcess, OrderingDbContext, Commit, Task> change, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<OrderingDbContext>>();
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var process = await db.Processes.FirstAsync(p => p.OrderId == orderId, cancellationToken);
        var document = await OrderDocuments.FindAsync(db, orderId, cancellationToken)
                       ?? throw new InvalidOperationException($"Order {orderId} has a process but no document.");
        var context = new TmfWriteContext(db, Caller.ActingFor(process.CreatedBy, DialtoneRoles.Admin), platform.Value.PublicBaseUrl ?? "http://localhost:5080", clock.GetUtcNow());
        var commit = new Commit(outbox, context) { Reason = reason };
        await change(process, db, commit);
        await OrderDocuments.SyncAsync(outbox, document, process, commit.Reason, context, commit.Edit, cancellationToken);
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }

    private sealed class Commit(IDbContextOutbox<OrderingDbContext> outbox, TmfWriteContext context)
    {
        public IDbContextOutbox<OrderingDbContext> Outbox => outbox;

        public string? Reason { get; set; }

        public Action<ProductOrder>? Edit { get; set; }

        public async Task UpdateCancellationAsync(string cancelId, string state, DateTimeOffset now)
        {
            var document = await outbox.DbContext.Documents.ForUpdate(OrderingResources.CancelProductOrder)
                .FirstAsync(d => d.Id == cancelId);
            var before = System.Text.Json.Nodes.JsonNode.Parse(document.Body)!.AsObject();
            var after = before.DeepClone().AsObject();
            after["state"] = state;
            after["effectiveCancellationDate"] = Platform.Json.UtcDateTimeOffsetConverter.Format(now);
            await TmfResourceEndpoints.UpdateDocumentAsync(outbox, OrderingResources.CancelProductOrder, document, before, after, context, audited: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} has no fulfilment process; the message is dropped")]
    private partial void LogUnknownOrder(string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: {Operation} could not be carried out now ({Error}); the order waits and tries again")]
    private partial void LogStepUnavailable(string orderId, string operation, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: {Operation} was refused ({Error}); the order fails")]
    private partial void LogStepRejected(string orderId, string operation, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: {Operation} found nothing to undo ({Error}); the unanswered try had not been carried out")]
    private partial void LogNothingToUndo(string orderId, string operation, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId}: undoing with {Operation} was refused ({Error}); an operator must clean up the provisioning system")]
    private partial void LogUndoRejected(string orderId, string operation, string error);
}
