using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Inventory.Contracts;
using Dialtone.Inventory.Domain;
using Dialtone.Inventory.Domain.Representation;
using Dialtone.Inventory.Features.Services;
using Dialtone.Inventory.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Inventory.Features.Products;

/// <summary>The inventory module's door for other modules: reads of one product, and the changes of completed orders.</summary>
internal sealed class ProductInventory(IServiceScopeFactory scopes, ProductRules rules, ServiceRules serviceRules, IOptions<DialtoneOptions> options, TimeProvider clock)
    : IProductInventory
{
    // The most products FindManyAsync keeps in memory (each with its version and last update); when a read would pass it, it starts afresh.
    private const int ReadKept = 20_000;

    // How long a product read stays in memory: a body it no longer has (a line's personal data erased) is gone from the
    // process within this and a sweep's interval, as the read cache's entries are (ADR 0008).
    internal static readonly TimeSpan ReadTimeToLive = TimeSpan.FromMinutes(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Version, DateTimeOffset LastUpdate, DateTimeOffset ReadAt, InventoryProduct Product)> read = new(StringComparer.Ordinal);
    private long sweptAt;

    public async Task<InventoryProduct?> FindAsync(string productId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var document = await db.Documents.OfResource(InventoryResources.Product).AsNoTracking().FirstOrDefaultAsync(d => d.Id == productId, cancellationToken);
        return document is null ? null : ToContract(TmfRepresentation.FromStored<Product>(document), document.CreatedBy);
    }

    /// <remarks>
    /// Products read in the last <see cref="ReadTimeToLive"/> are served from memory when their stored version and last update are still those read: one
    /// query of the keys' versions, then the bodies of the changed or unseen ones alone. Charging's usage relay asks for
    /// every active line a few times a second, and decrypting and reading each body again was a tenth of what the server
    /// allocated under the charging load (bench/README, 2026-11-29 session 18).
    /// </remarks>
    public async Task<IReadOnlyList<InventoryProduct>> FindManyAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken)
    {
        if (productIds.Count == 0)
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var products = db.Documents.OfResource(InventoryResources.Product).AsNoTracking();
        var stored = await products.Where(d => productIds.Contains(d.Id)).Select(d => new { d.Id, d.Version, d.LastUpdate }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        Sweep(now);
        var found = new List<InventoryProduct>(stored.Count);
        var unread = new List<string>();
        foreach (var row in stored)
        {
            if (read.TryGetValue(row.Id, out var known) && known.Version == row.Version && known.LastUpdate == row.LastUpdate && now - known.ReadAt < ReadTimeToLive)
            {
                found.Add(known.Product);
            }
            else
            {
                unread.Add(row.Id);
            }
        }

        if (unread.Count > 0)
        {
            if (read.Count + unread.Count > ReadKept)
            {
                read.Clear();
            }

            foreach (var document in await products.Where(d => unread.Contains(d.Id)).ToListAsync(cancellationToken))
            {
                var product = ToContract(TmfRepresentation.FromStored<Product>(document), document.CreatedBy);
                read[document.Id] = (document.Version, document.LastUpdate, now, product);
                found.Add(product);
            }
        }

        return found;
    }

    // At most once a time-to-live: forgets the products read longer ago than that.
    private void Sweep(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref sweptAt);
        if (now.UtcTicks - last < ReadTimeToLive.Ticks || Interlocked.CompareExchange(ref sweptAt, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (id, entry) in read)
        {
            if (now - entry.ReadAt >= ReadTimeToLive)
            {
                read.TryRemove(id, out _);
            }
        }
    }

    public async Task ApplyAsync(InventoryChangeSet changes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<InventoryDbContext>>();
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var applied = await db.SearchEntries
            .Where(e => e.ResourceType == InventoryResources.Product.Resource && e.Path == "productOrderItem.productOrderId" && e.Text == changes.OrderId)
            .Select(e => e.DocumentId)
            .ToListAsync(cancellationToken);
        var system = Caller.ActingFor(changes.CreatedBy, DialtoneRoles.Admin);
        var context = new TmfWriteContext(db, system, options.Value.PublicBaseUrl ?? "http://localhost:5080", changes.CompletedAt);
        foreach (var change in changes.Changes)
        {
            var document = await db.Documents.ForUpdate(InventoryResources.Product)
                .FirstOrDefaultAsync(d => d.Id == change.ProductId, cancellationToken);
            if (document is not null && applied.Contains(document.Id) && AppliedAlready(document, changes.OrderId, change.OrderItemId))
            {
                continue;
            }

            if (change.ActivationCode is not null)
            {
                await KeepActivationCodeAsync(db, change.ProductId, change.ActivationCode, changes.CompletedAt, cancellationToken);
            }

            if (change.Action == "add")
            {
                if (document is null)
                {
                    var product = NewProduct(changes, change);
                    await TmfResourceEndpoints.CreateDocumentAsync<InventoryDbContext, Product, ProductRules>(outbox, rules, TmfRepresentation.ToJsonObject(product), context, cancellationToken, change.ProductId);
                    await ServiceRecords.ApplyAsync(outbox, serviceRules, change, product.RelatedParty, context, cancellationToken);
                }

                continue;
            }

            if (document is null)
            {
                throw new InvalidOperationException($"Order {changes.OrderId} item {change.OrderItemId} changes product {change.ProductId}, which does not exist.");
            }

            var before = JsonNode.Parse(document.Body)!.AsObject();
            var changed = Changed(before, changes, change);
            var after = TmfRepresentation.ToJsonObject(changed);
            after.Remove("href");
            await TmfResourceEndpoints.UpdateDocumentAsync(outbox, InventoryResources.Product, document, before, after, context, audited: true);
            await ServiceRecords.ApplyAsync(outbox, serviceRules, change, changed.RelatedParty, context, cancellationToken);
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ImportAsync(IReadOnlyList<InventoryChangeSet> orders, CancellationToken cancellationToken)
    {
        var changes = orders.SelectMany(o => o.Changes.Select(c => (Order: o, Change: c))).ToList();
        if (changes.FirstOrDefault(x => x.Change.Action != "add" || x.Change.Services is { Count: > 0 } || x.Change.ActivationCode is not null) is { Change: not null } refused)
        {
            throw new ArgumentException($"Order {refused.Order.OrderId} item {refused.Change.OrderItemId}: a batch import records new products only.", nameof(orders));
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var existing = await TmfDocumentImport.ExistingAsync(db, InventoryResources.Product, [.. changes.Select(x => x.Change.ProductId)], cancellationToken);
        var created = new List<TmfDocument>();
        foreach (var (order, change) in changes)
        {
            if (!existing.Add(change.ProductId))
            {
                continue;
            }

            var product = NewProduct(order, change);
            product.Id = change.ProductId; // first in the stored body, where a product's id is read
            created.Add(TmfDocumentImport.CreateImported(db, InventoryResources.Product, product, change.ProductId, order.CompletedAt, order.CreatedBy));
        }

        // Multi-row inserts: a batch holds the module's (on SQLite, the database's) write lock for as short a time as it can.
        await TmfDocumentBulk.InsertAsync(db, created, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. created.Select(document => document.Id)];
    }

    private static async Task KeepActivationCodeAsync(InventoryDbContext db, string productId, string code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var activation = await db.EsimActivations.FirstOrDefaultAsync(a => a.ProductId == productId, cancellationToken);
        if (activation is null)
        {
            db.EsimActivations.Add(new EsimActivation { ProductId = productId, ActivationCode = code, IssuedAt = now });
            return;
        }

        activation.ActivationCode = code;
        activation.IssuedAt = now;
    }

    private static bool AppliedAlready(TmfDocument document, string orderId, string itemId) =>
        TmfRepresentation.FromStored<Product>(document).ProductOrderItem?.Any(i => i.ProductOrderId == orderId && i.OrderItemId == itemId) == true;

    private static Product NewProduct(InventoryChangeSet changes, InventoryChange change)
    {
        return new Product
        {
            Name = change.Name,
            Status = change.Status ?? ProductStatus.Active,
            IsBundle = change.IsBundle,
            IsCustomerVisible = true,
            OrderDate = changes.CompletedAt,
            StartDate = change.StartDate ?? changes.CompletedAt,
            ProductOffering = change.OfferingId is null ? null : new ProductOfferingRef { Id = change.OfferingId, Name = change.OfferingName },
            ProductSpecification = change.SpecificationId is null ? null : new ProductSpecificationRef { Id = change.SpecificationId, Name = change.SpecificationName },
            BillingAccount = change.BillingAccountId is null ? null : new BillingAccountRef { Id = change.BillingAccountId, Href = "/tmf-api/accountManagement/v4/billingAccount/" + change.BillingAccountId },
            RelatedParty = change.Parties?.Select(ToRelatedParty).ToList(),
            ProductCharacteristic = change.Characteristics?.Select(c => new Characteristic { Name = c.Name, ValueType = c.ValueType, Value = c.Value }).ToList(),
            ProductPrice = change.Prices?.Select(ToProductPrice).ToList(),
            ProductRelationship = Relationships(null, change),
            ProductOrderItem = [OrderItem(changes, change)],
            RealizingService = RealizingServices(null, change),
        };
    }

    /// <summary>
    /// TMF637 <c>productRelationship</c>: an add-on is <c>addOnTo</c> its line, a bundle's member <c>isBundled</c> into it, a
    /// bundle <c>bundled</c> with each of its members (kept when a member ends: the member says it is terminated).
    /// </summary>
    private static List<ProductRelationship>? Relationships(List<ProductRelationship>? current, InventoryChange change)
    {
        var all = current ?? [];
        void Relate(string type, string? productId)
        {
            if (productId is not null && !all.Any(r => r.RelationshipType == type && r.Product?.Id == productId))
            {
                all.Add(new ProductRelationship { RelationshipType = type, Product = new ProductRefOrValue { Id = productId, Href = InventoryResources.Product.BasePath + "/" + productId } });
            }
        }

        Relate(ProductRelationshipTypes.AddOnTo, change.BaseProductId);
        Relate(ProductRelationshipTypes.IsBundled, change.BundleProductId);
        foreach (var member in change.BundledProductIds ?? [])
        {
            Relate(ProductRelationshipTypes.Bundled, member);
        }

        return all.Count == 0 ? null : all;
    }

    /// <summary>The services that realize the product: every service an order added to it (terminated ones stay listed; the service says so).</summary>
    private static List<ServiceRef>? RealizingServices(List<ServiceRef>? current, InventoryChange change)
    {
        var added = (change.Services ?? []).Where(s => s.Action == "add" && current?.Any(r => r.Id == s.Id) != true)
            .Select(s => new ServiceRef { Id = s.Id, Name = s.Name, Href = InventoryResources.Service.BasePath + "/" + s.Id });
        var all = (current ?? []).Concat(added).ToList();
        return all.Count == 0 ? null : all;
    }

    private static Product Changed(JsonObject before, InventoryChangeSet changes, InventoryChange change)
    {
        var product = TmfRepresentation.FromJson<Product>(before.DeepClone().AsObject());
        switch (change.Action)
        {
            case "modify":
                product.Name = change.Name ?? product.Name;
                if (change.OfferingId is not null)
                {
                    product.ProductOffering = new ProductOfferingRef { Id = change.OfferingId, Name = change.OfferingName };
                }

                if (change.Characteristics is not null)
                {
                    product.ProductCharacteristic = change.Characteristics.Select(c => new Characteristic { Name = c.Name, ValueType = c.ValueType, Value = c.Value }).ToList();
                }

                if (change.Prices is not null)
                {
                    product.ProductPrice = change.Prices.Select(ToProductPrice).ToList();
                }

                product.ProductRelationship = Relationships(product.ProductRelationship, change);

                break;
            case "suspend":
                product.Status = ProductStatus.Suspended;
                break;
            case "resume":
                product.Status = ProductStatus.Active;
                break;
            case "delete":
                product.Status = ProductStatus.Terminated;
                product.TerminationDate = changes.CompletedAt;
                break;
            default:
                throw new InvalidOperationException($"Unknown inventory action '{change.Action}'.");
        }

        product.ProductOrderItem = [.. product.ProductOrderItem ?? [], OrderItem(changes, change)];
        product.RealizingService = RealizingServices(product.RealizingService, change);
        return product;
    }

    private static RelatedProductOrderItem OrderItem(InventoryChangeSet changes, InventoryChange change) => new()
    {
        ProductOrderId = changes.OrderId,
        ProductOrderHref = changes.OrderHref,
        OrderItemId = change.OrderItemId,
        OrderItemAction = change.Action is "suspend" or "resume" ? "modify" : change.Action,
        Role = change.Action,
        ReferredType = "ProductOrder",
    };

    private static RelatedParty ToRelatedParty(InventoryParty party) => new()
    {
        Id = party.Id,
        Role = party.Role,
        ReferredType = party.ReferredType ?? "Individual",
        Href = $"/tmf-api/party/v4/{(party.ReferredType == "Organization" ? "organization" : "individual")}/{party.Id}",
    };

    private static ProductPrice ToProductPrice(InventoryPrice price) => new()
    {
        Name = price.Name,
        Description = price.Description,
        PriceType = price.PriceType,
        RecurringChargePeriod = price.RecurringChargePeriod,
        UnitOfMeasure = price.UnitOfMeasure,
        Price = new Price { TaxIncludedAmount = price.Amount is null ? null : new Money { Unit = price.Currency, Value = price.Amount } },
        ProductOfferingPrice = new ProductOfferingPriceRef { Id = price.ProductOfferingPriceId, Name = price.Name, Href = "/tmf-api/productCatalogManagement/v4/productOfferingPrice/" + price.ProductOfferingPriceId },
    };

    private static InventoryProduct ToContract(Product product, string? createdBy) => new(
        product.Id ?? "",
        product.Name ?? "",
        product.Status ?? "",
        product.ProductOffering?.Id,
        null,
        product.BillingAccount?.Id,
        createdBy,
        product.RelatedParty?.Select(p => new InventoryParty(p.Id ?? "", p.Role ?? "", p.ReferredType)).ToList() ?? [],
        product.ProductCharacteristic?.Where(c => c.Value is not null).Select(c => new InventoryCharacteristic(c.Name ?? "", c.ValueType, c.Value!.Value)).ToList() ?? [],
        Related(product, ProductRelationshipTypes.AddOnTo))
    {
        IsBundle = product.IsBundle == true,
        BundleProductId = Related(product, ProductRelationshipTypes.IsBundled).FirstOrDefault(),
        BundledProductIds = Related(product, ProductRelationshipTypes.Bundled),
    };

    private static List<string> Related(Product product, string type) =>
        product.ProductRelationship?.Where(r => r.RelationshipType == type && r.Product?.Id is not null).Select(r => r.Product!.Id!).ToList() ?? [];
}
