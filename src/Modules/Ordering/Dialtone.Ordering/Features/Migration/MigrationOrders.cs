using System.Text.Json;
using Dialtone.Catalog.Contracts;
using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Contracts;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Features.ProductOrders;
using Dialtone.Ordering.Numbers;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.Migration;

/// <summary>
/// Migration orders (<see cref="IMigrationOrderBatch"/>, docs/decisions/0016-migration-orders.md): a batch of legacy lines
/// becomes one completed TMF622 order per line in three committed steps, each one transaction for the whole batch and
/// each safe to repeat. (1) The order's process (stage <c>completing</c>: nothing to provision) and the MSISDN and a drawn
/// IMSI reserved; (2) the products recorded by inventory (<see cref="IProductInventory.ImportAsync"/>); (3) the numbers
/// assigned, the order documents written <c>completed</c>, and one <see cref="MigrationOrdersCompleted"/> per
/// <see cref="EventChunk"/> orders on the outbox. A crash between steps leaves processes <c>completing</c>: the same
/// batch sent again finds them and carries them on, with the IMSIs reserved the first time.
/// </summary>
internal sealed class MigrationOrders(IServiceScopeFactory scopes, IProductInventory inventory, NumberPool numbers, TimeProvider clock) : IMigrationOrderBatch
{
    public const string Category = "migration";

    /// <summary>Who migration orders and their products are created by (a staff subject, like the import's parties).</summary>
    public const string Creator = "user:dialtone-legacy-import";

    public const string ItemId = "line";

    /// <summary>Orders per completion event: a batch's charging work split so that one message stays well within a handler's time.</summary>
    public const int EventChunk = 250;

    public async Task<IReadOnlyList<MigratedLineOutcome>> MigrateAsync(string source, IReadOnlyList<MigrationLine> batch, CancellationToken cancellationToken)
    {
        var orderIds = batch.Select(l => TmfDocumentImport.IdFor(source, "productOrder", l.SourceLineId)).ToList();
        var productIds = batch.Select(l => TmfDocumentImport.IdFor(source, "product", l.SourceLineId)).ToList();
        var outcomes = new MigratedLineOutcome?[batch.Count];
        var offerings = await OfferingsAsync(batch, cancellationToken);

        await ReserveAsync(batch, orderIds, productIds, offerings, outcomes, cancellationToken);

        List<OrderProcess> completing;
        await using (var scope = scopes.CreateAsyncScope())
        {
            completing = await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Processes.AsNoTracking()
                .Where(p => orderIds.Contains(p.OrderId) && p.Stage == ProcessStage.Completing).ToListAsync(cancellationToken);
        }

        if (completing.Count > 0)
        {
            var now = clock.GetUtcNow();
            await OfferingsOfAsync(completing, offerings, cancellationToken);
            await inventory.ImportAsync([.. completing.Select(p => new InventoryChangeSet(p.OrderId, OrderingResources.ProductOrder.BasePath + "/" + p.OrderId, p.CreatedBy, now,
                [.. p.Changes.Select(c => WithOffering(c, offerings, p.OrderId))]))], cancellationToken);
            await CompleteAsync(batch, orderIds, cancellationToken);
        }

        var completed = completing.Select(p => p.OrderId).ToHashSet(StringComparer.Ordinal);
        return [.. batch.Select((line, i) => outcomes[i] ?? new MigratedLineOutcome(line.SourceLineId,
            completed.Contains(orderIds[i]) ? MigrationOutcomes.Created : MigrationOutcomes.Existing, orderIds[i], productIds[i]))];
    }

    private async Task<Dictionary<string, CatalogOffering?>> OfferingsAsync(IReadOnlyList<MigrationLine> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<IOfferingCatalog>();
        var offerings = new Dictionary<string, CatalogOffering?>(StringComparer.Ordinal);
        foreach (var id in batch.Select(l => l.OfferingId).Distinct(StringComparer.Ordinal))
        {
            offerings[id] = string.IsNullOrWhiteSpace(id) ? null : await catalog.FindOfferingAsync(id, cancellationToken);
        }

        return offerings;
    }

    /// <summary>The offerings of processes a resumed batch carries on that its lines no longer name (the mapping changed meanwhile).</summary>
    private async Task OfferingsOfAsync(List<OrderProcess> completing, Dictionary<string, CatalogOffering?> offerings, CancellationToken cancellationToken)
    {
        var missing = completing.SelectMany(p => p.Changes).Select(c => c.OfferingId).OfType<string>().Where(id => !offerings.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<IOfferingCatalog>();
        foreach (var id in missing)
        {
            offerings[id] = await catalog.FindOfferingAsync(id, cancellationToken);
        }
    }

    /// <summary>
    /// The change a process keeps (the line's own values: <see cref="LineChange"/>) made whole from its offering: the plan's
    /// characteristics after the line identifiers, and the catalog's prices. A process that kept a whole change (written
    /// before processes kept only the line's values) is taken as it is.
    /// </summary>
    private static InventoryChange WithOffering(InventoryChange kept, Dictionary<string, CatalogOffering?> offerings, string orderId)
    {
        if (kept.Prices is not null)
        {
            return kept;
        }

        var offering = offerings.GetValueOrDefault(kept.OfferingId ?? "")
            ?? throw new InvalidOperationException($"Migration order {orderId}: product offering '{kept.OfferingId}' is no longer in the catalog; restore it and run the batch again.");
        return kept with
        {
            Characteristics = [.. kept.Characteristics ?? [], .. offering.Characteristics.Select(c => new InventoryCharacteristic(c.Name, c.ValueType, c.Value))],
            Prices = OrderPlanner.Prices(offering),
        };
    }

    /// <summary>
    /// What a migration's process keeps of its line (step 1): the values that are not the offering's (ids, party, account,
    /// status, activation date, MSISDN and IMSI). The plan's characteristics and prices (most of a whole change's size)
    /// are taken from the catalog when the product is recorded (<see cref="WithOffering"/>), as the order document's
    /// prices are at step 3.
    /// </summary>
    internal static InventoryChange LineChange(MigrationLine line, string productId, string imsi, CatalogOffering offering) =>
        new(ItemId, "add", productId, offering.Name, offering.Id, offering.Name, offering.Specification!.Id, offering.Specification.Name,
            line.BillingAccountId, [new InventoryParty(line.PartyId, ProductOrderRules.CustomerRole, "Individual")], [Characteristic("msisdn", line.Msisdn), Characteristic("imsi", imsi)],
            null, null, Status: line.Status, StartDate: line.ActivatedOn is { } on ? new DateTimeOffset(on.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null);

    /// <summary>
    /// Step 1: a process and the reserved numbers for every line not migrated before; refusals go into <paramref name="outcomes"/>.
    /// The numbers are claimed for the whole batch at once (<see cref="NumberPool.ClaimMsisdnsAsync"/>, <see cref="NumberPool.ClaimImsisAsync"/>):
    /// a query per line was the largest share of a migration's CPU.
    /// </summary>
    private async Task ReserveAsync(IReadOnlyList<MigrationLine> batch, List<string> orderIds, List<string> productIds, Dictionary<string, CatalogOffering?> offerings,
        MigratedLineOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        WithoutSavepoints(db);
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var known = await db.Processes.Where(p => orderIds.Contains(p.OrderId)).Select(p => p.OrderId).ToListAsync(cancellationToken);
        var started = known.ToHashSet(StringComparer.Ordinal);
        var candidates = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var line = batch[i];
            if (!started.Add(orderIds[i]))
            {
                continue; // migrated before (completed, or completing after a crash: steps 2 and 3 carry it on)
            }

            var offering = offerings[line.OfferingId];
            var refusal = offering is null ? ("OFFERING_NOT_FOUND", $"product offering '{line.OfferingId}' is not in the catalog")
                : offering.Specification?.ProductNumber != OrderPlanner.MobileLine || offering.IsBundle ? ("OFFERING_NOT_A_LINE", $"'{offering.Name}' is not a mobile line offering ({OrderPlanner.MobileLine})")
                : line.Status is not (ProductStatus.Active or ProductStatus.Suspended) ? ("INVALID_STATUS", $"a line migrates active or suspended, not '{line.Status}'")
                : string.IsNullOrWhiteSpace(line.PartyId) ? ("MISSING_CUSTOMER", "the line names no customer")
                : !NumberPool.IsE164(line.Msisdn) ? ("INVALID_MSISDN", "the MSISDN is not an E.164 number")
                : ((string, string)?)null;
            if (refusal is { } refused)
            {
                outcomes[i] = new MigratedLineOutcome(line.SourceLineId, MigrationOutcomes.Rejected, null, null, refused.Item1, refused.Item2);
                continue;
            }

            candidates.Add(i);
        }

        var claimed = await numbers.ClaimMsisdnsAsync(db, [.. candidates.Select(i => (batch[i].Msisdn, orderIds[i], productIds[i]))], now, cancellationToken);
        var lines = new List<int>(candidates.Count);
        for (var c = 0; c < candidates.Count; c++)
        {
            var i = candidates[c];
            if (claimed[c])
            {
                lines.Add(i);
            }
            else
            {
                outcomes[i] = new MigratedLineOutcome(batch[i].SourceLineId, MigrationOutcomes.Rejected, null, null, "MSISDN_TAKEN",
                    "the MSISDN is already taken in Dialtone's number pool (another line has it, or it rests in quarantine)");
            }
        }

        var imsis = await numbers.ClaimImsisAsync(db, [.. lines.Select(i => (orderIds[i], productIds[i]))], now, cancellationToken);
        for (var l = 0; l < lines.Count; l++)
        {
            var i = lines[l];
            var line = batch[i];
            db.Processes.Add(OrderProcess.StartMigration(orderIds[i], Creator, line.PartyId, [LineChange(line, productIds[i], imsis[l], offerings[line.OfferingId]!)], now));
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Step 3: every line of the batch still completing gets its numbers assigned and its order document, completed; charging hears of them in a few events.</summary>
    private async Task CompleteAsync(IReadOnlyList<MigrationLine> batch, List<string> orderIds, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<OrderingDbContext>>();
        var db = outbox.DbContext;
        WithoutSavepoints(db);
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var processes = await db.Processes.Where(p => orderIds.Contains(p.OrderId) && p.Stage == ProcessStage.Completing).ToListAsync(cancellationToken);
        var ids = processes.Select(p => p.OrderId).ToList();
        var productOf = processes.ToDictionary(p => p.OrderId, p => p.Changes[0].ProductId, StringComparer.Ordinal);
        await NumberPool.AssignClaimedAsync(db, ids, productOf, now, cancellationToken);

        var documented = await TmfDocumentImport.ExistingAsync(db, OrderingResources.ProductOrder, ids, cancellationToken);
        var lineOf = orderIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => batch[x.i], StringComparer.Ordinal);
        var completed = new List<ProductOrderCompleted>(processes.Count);
        var documents = new List<TmfDocument>(processes.Count);
        foreach (var process in processes)
        {
            var change = process.Changes[0];
            if (!documented.Contains(process.OrderId))
            {
                var order = Document(lineOf[process.OrderId], change, now);
                order.Id = process.OrderId; // first in the stored body, where an order's id is read
                documents.Add(TmfDocumentImport.CreateImported(db, OrderingResources.ProductOrder, order, process.OrderId, now, process.CreatedBy));
            }

            process.End(ProcessStage.Completed, now);
            completed.Add(new ProductOrderCompleted(process.OrderId, now, change.BillingAccountId, [new CompletedOrderItem(ItemId, "add", change.ProductId, change.OfferingId)]));
        }

        foreach (var chunk in completed.Chunk(EventChunk))
        {
            await outbox.PublishAsync(new MigrationOrdersCompleted(now, chunk));
        }

        // The order documents in multi-row inserts (shorter write lock); processes, numbers and events commit with them.
        await TmfDocumentBulk.InsertAsync(db, documents, cancellationToken);
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }

    /// <summary>
    /// A batch's transaction is all or nothing (nothing here catches a failed save and goes on), so EF Core's savepoint
    /// around each <c>SaveChanges</c> in it buys nothing — and costs on SQLite: inside a savepoint every statement's own
    /// journal is truncated back to the savepoint's size on release, by walking the in-memory journal from its start, so
    /// a save of thousands of rows into pages the batch already changed costs time quadratic in its size (SQLite's
    /// <c>memjrnlTruncate</c> was 2–3 % of a 50,000-customer import's CPU, the largest SQLite function; bench/README, session 20).
    /// </summary>
    private static void WithoutSavepoints(OrderingDbContext db) => db.Database.AutoSavepointsEnabled = false;

    /// <summary>
    /// The TMF622 order of one migrated line, as a completed order reads: what was taken over, from where, and that
    /// nothing was provisioned. No <c>itemPrice</c> nor <c>orderTotalPrice</c>: nothing was sold at a price (the line's
    /// prices came with it from legacy); the prices it keeps are its product's (<c>productPrice</c>), and a copy on the
    /// order was a third of the order's size.
    /// </summary>
    private static ProductOrder Document(MigrationLine line, InventoryChange change, DateTimeOffset now)
    {
        var item = new ProductOrderItem
        {
            Id = ItemId,
            Action = "add",
            Quantity = 1,
            State = OrderState.Completed,
            ProductOffering = new ProductOfferingRef { Id = change.OfferingId, Name = change.OfferingName, Href = "/tmf-api/productCatalogManagement/v4/productOffering/" + change.OfferingId },
            Product = new ProductRefOrValue { Id = change.ProductId, Href = "/tmf-api/productInventory/v4/product/" + change.ProductId },
        };
        const string Reason = "Migrated from the legacy system of record: the line already exists on the network, so nothing was provisioned.";
        return new ProductOrder
        {
            Category = Category,
            Description = line.Description ?? "Migration of a legacy line",
            ExternalId = line.SourceLineId,
            OrderDate = now,
            CompletionDate = now,
            State = OrderState.Completed,
            StateChange = [new OrderStateChange { State = OrderState.Completed, ChangeDate = now }],
            Note = [new Note { Text = Reason, Date = now, Author = "Dialtone" }],
            BillingAccount = change.BillingAccountId is { } account ? new BillingAccountRef { Id = account, Href = "/tmf-api/accountManagement/v4/billingAccount/" + account } : null,
            RelatedParty = [new RelatedParty { Id = line.PartyId, Role = ProductOrderRules.CustomerRole, ReferredType = "Individual", Href = "/tmf-api/party/v4/individual/" + line.PartyId }],
            ProductOrderItem = [item],
        };
    }

    private static InventoryCharacteristic Characteristic(string name, string value) => new(name, "string", JsonSerializer.SerializeToElement(value));
}
