using System.Text.Json;
using Dialtone.Accounts.Contracts;
using Dialtone.Catalog.Contracts;
using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Numbers;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Dialtone.Ordering.Provisioning.ProvisioningOperations;

namespace Dialtone.Ordering.Features.ProductOrders;

/// <summary>What an accepted order will do: its provisioning steps in order, and the inventory changes it makes when complete.</summary>
internal sealed record OrderPlan(IReadOnlyList<ProcessStep> Steps, IReadOnlyList<InventoryChange> Changes, string PartyId, bool AddsMobileLine)
{
    /// <summary>Whether the order waits for the customer's identity check (a new line, and no check passed yet).</summary>
    public bool AwaitsIdentity { get; init; }

    /// <summary>The requested start, when it lies ahead: the order is held until then.</summary>
    public DateTimeOffset? HeldUntil { get; init; }
}

/// <summary>
/// Judges each item of a submitted order against the catalog and the customer's inventory, checks the billing accounts
/// it names (<see cref="OrderBillingAccounts"/>), copies the prices it is sold at, reserves the line's identifiers, and
/// decomposes it into provisioning steps (the service orders of TMF641): a 5G line is a subscriber on the network plus
/// an eSIM profile on the SM-DP+, an add-on a service on the line, a fibre access its own service. Every refusal is a
/// 400 (or 409 for a taken number) naming the item.
/// </summary>
internal sealed partial class OrderPlanner(IServiceScopeFactory scopes, IProductInventory inventory, NumberPool numbers)
{
    public const string MobileLine = "DT-5G-LINE";
    public const string DataAddOn = "DT-DATA-ADDON";
    public const string RoamingPass = "DT-ROAM-PASS";
    public const string Fibre = "DT-FIBRE";

    /// <summary>The TMF622 item relationship from a bundle's item to each of its members' items.</summary>
    public const string Bundles = "bundles";

    /// <summary>The SM-DP+'s id of a line's current eSIM profile (Dialtone's product id, then a new one per SIM swap).</summary>
    public const string EsimProfile = "esimProfileId";


    /// <summary>The characteristic that ports a number in: the donor operator's name (the number is in <c>msisdn</c>).</summary>
    public const string PortInDonor = "portInDonorOperator";

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex ItemId();

    public async Task<OrderPlan> PlanAsync(ProductOrder order, OrderCustomer customer, Caller caller, OrderingDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<IOfferingCatalog>();
        var items = order.ProductOrderItem ?? [];
        if (items.Count == 0)
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'productOrderItem' must hold at least one item.");
        }

        for (var index = 0; index < items.Count; index++)
        {
            // Item ids name the order's provisioning steps (and their idempotency keys): short, plain, present.
            if (items[index].Id is not { } id || !ItemId().IsMatch(id))
            {
                throw TmfProblemException.BadRequest(items[index].Id is null ? "MISSING_ATTRIBUTE" : "INVALID_VALUE",
                    $"productOrderItem[{index}]: 'id' is required and must be 1 to 64 letters, digits, '.', '_' or '-'.");
            }
        }

        for (var index = 0; index < items.Count; index++)
        {
            if (items[index].ProductOrderItemValue is { Count: > 0 })
            {
                throw TmfProblemException.BadRequest("NESTED_ITEMS_NOT_SUPPORTED",
                    $"productOrderItem[{index}] (id '{items[index].Id}'): items are not nested here; list a bundle's items beside it and relate them from the bundle's item with 'productOrderItemRelationship' (relationshipType '{Bundles}').");
            }
        }

        var duplicate = items.GroupBy(i => i.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw TmfProblemException.BadRequest("DUPLICATE_ITEM_ID", $"Two items have the id '{duplicate.Key}'; item ids must be unique within an order.");
        }

        await OrderBillingAccounts.ResolveAsync(order, customer, caller, scope.ServiceProvider.GetRequiredService<IBillingAccounts>(), cancellationToken);
        var plan = new Planning(order.Id!, customer, now, order.BillingAccount?.Id);
        // Base products first: an add-on ordered together with its plan needs the plan's line.
        var ordered = items.Select((item, index) => (item, index)).OrderBy(x => IsAddOnCandidate(x.item) ? 1 : 0).ToList();
        foreach (var (item, index) in ordered)
        {
            var label = $"productOrderItem[{index}] (id '{item.Id}')";
            if ((item.Quantity ?? 1) != 1)
            {
                throw TmfProblemException.BadRequest("INVALID_QUANTITY", $"{label}: 'quantity' must be 1; order several products as several items.");
            }

            switch (item.Action)
            {
                case "add":
                    await PlanAddAsync(plan, item, label, catalog, db, cancellationToken);
                    break;
                case "modify" or "delete" or "noChange":
                    await PlanChangeAsync(plan, item, label, catalog, db, cancellationToken);
                    break;
                default:
                    throw TmfProblemException.BadRequest("INVALID_ACTION", $"{label}: 'action' must be add, modify, delete or noChange, not '{item.Action}'.");
            }
        }

        await OrderBundles.JudgeAsync(plan.Bundling, items, plan.Changes, catalog, inventory, cancellationToken);

        // Steps that cannot be undone (deleting an eSIM profile) come after every step that can, across the whole order:
        // once one has started there is no way back, so nothing may be left that could still fail and want undoing.
        return new OrderPlan([.. plan.Steps.OrderBy(s => s.Undo is null ? 1 : 0)], plan.Changes, customer.PartyId, plan.Lines.Count > 0);
    }

    private static bool IsAddOnCandidate(ProductOrderItem item) =>
        item.ProductOrderItemRelationship?.Count > 0 || item.Product?.ProductRelationship?.Count > 0;

    private async Task PlanAddAsync(Planning plan, ProductOrderItem item, string label, IOfferingCatalog catalog, OrderingDbContext db, CancellationToken cancellationToken)
    {
        var offering = await OrderableOfferingAsync(item.ProductOffering?.Id, label, catalog, plan.Now, cancellationToken);
        CopyPrices(item, offering, label);
        var productId = Guid.CreateVersion7(plan.Now).ToString();
        var characteristics = offering.Characteristics.Select(c => new InventoryCharacteristic(c.Name, c.ValueType, c.Value)).ToList();
        if (offering.IsBundle)
        {
            // A bundle is a commercial product: nothing to provision of its own; its members are the order's other items.
            plan.Bundling.Bundle(item.Id!, label, productId, offering);
            plan.Changes.Add(new InventoryChange(item.Id!, "add", productId, offering.Name, offering.Id, offering.Name, offering.Specification?.Id,
                offering.Specification?.Name, item.BillingAccount?.Id ?? plan.BillingAccountId, plan.Customer.Parties, characteristics, Prices(offering), null, IsBundle: true));
            return;
        }

        string? baseProductId = null;
        switch (offering.Specification?.ProductNumber)
        {
            case MobileLine:
            {
                var wanted = Text(item.Product?.ProductCharacteristic, "msisdn", label);
                var donor = Text(item.Product?.ProductCharacteristic, PortInDonor, label);
                if (donor is not null && wanted is null)
                {
                    throw TmfProblemException.BadRequest("INVALID_PORT_IN", $"{label}: a port-in names the number to bring in its 'msisdn' characteristic.");
                }

                var msisdn = await numbers.ReserveAsync(db, NumberKind.Msisdn, wanted, plan.OrderId, label, plan.Now, cancellationToken, portIn: donor is not null);
                var imsi = await numbers.ReserveAsync(db, NumberKind.Imsi, null, plan.OrderId, label, plan.Now, cancellationToken);
                var iccid = await numbers.ReserveAsync(db, NumberKind.Iccid, null, plan.OrderId, label, plan.Now, cancellationToken);
                var paymentMode = Text(offering.Characteristics, "paymentMode") ?? "postpaid";
                if (donor is not null)
                {
                    // The number moves from the donor operator first; if the donor refuses, nothing else is done.
                    plan.Step(item.Id!, Network, PortIn, new() { ["subscription"] = productId, ["msisdn"] = msisdn, ["donorOperator"] = donor }, CancelPortIn);
                    characteristics.Add(Characteristic(PortInDonor, donor));
                }

                plan.Step(item.Id!, Network, CreateSubscriber, new() { ["subscription"] = productId, ["imsi"] = imsi, ["msisdn"] = msisdn, ["paymentMode"] = paymentMode }, DeleteSubscriber);
                plan.Step(item.Id!, Smdp, PrepareProfile, new() { ["profile"] = productId, ["iccid"] = iccid, ["imsi"] = imsi }, DeleteProfile);
                characteristics.InsertRange(0, [Characteristic("msisdn", msisdn), Characteristic("imsi", imsi), Characteristic("iccid", iccid), Characteristic(EsimProfile, productId)]);
                plan.Lines[item.Id!] = (productId, imsi, offering.Id);
                break;
            }

            case DataAddOn or RoamingPass:
            {
                var (baseId, imsi) = await BasePlanAsync(plan, item, offering, label, cancellationToken);
                baseProductId = baseId;
                plan.Step(item.Id!, Network, ActivateService, new() { ["subscription"] = baseId, ["imsi"] = imsi, ["service"] = offering.Specification.ProductNumber, ["productId"] = productId }, DeactivateService);
                break;
            }

            case Fibre:
                plan.Step(item.Id!, Network, CreateFibreAccess, new() { ["productId"] = productId, ["offering"] = offering.Id }, DeleteFibreAccess);
                break;

            default:
                throw TmfProblemException.BadRequest("OFFERING_NOT_ORDERABLE", $"{label}: '{offering.Name}' cannot be ordered online: its specification has no fulfilment.");
        }

        plan.Changes.Add(new InventoryChange(item.Id!, "add", productId, offering.Name, offering.Id, offering.Name, offering.Specification?.Id,
            offering.Specification?.Name, item.BillingAccount?.Id ?? plan.BillingAccountId, plan.Customer.Parties, characteristics, Prices(offering), baseProductId));
    }

    private async Task PlanChangeAsync(Planning plan, ProductOrderItem item, string label, IOfferingCatalog catalog, OrderingDbContext db, CancellationToken cancellationToken)
    {
        var productId = item.Product?.Id;
        if (string.IsNullOrWhiteSpace(productId))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", $"{label}: 'product.id' must name the product to {item.Action}.");
        }

        var product = await OwnedProductAsync(plan, productId, label, cancellationToken);
        await EnsureNoOpenOrderChangesAsync(db, productId, label, cancellationToken);
        await EnsureNoOpenBundleChangesAsync(db, product, label, cancellationToken);
        if (!plan.Touched.Add(productId))
        {
            throw TmfProblemException.BadRequest("PRODUCT_IN_TWO_ITEMS", $"{label}: product '{productId}' is already changed by another item of this order.");
        }

        plan.Bundling.Touch(product, label);
        if (item.Action == "noChange")
        {
            return;
        }

        if (product.IsBundle)
        {
            // A bundle changes through its members: terminated with them (delete), or given new ones (modify, 'bundles').
            if (item.Action == "modify" && item.ProductOrderItemRelationship?.Any(r => r.RelationshipType == Bundles) != true)
            {
                throw TmfProblemException.BadRequest("NOTHING_TO_MODIFY",
                    $"{label}: a modify of a bundle adds lines to it: relate their items with 'productOrderItemRelationship' (relationshipType '{Bundles}').");
            }

            plan.Bundling.Change(item.Id!, label, product, item.Action!);
            plan.Changes.Add(Change(item, item.Action == "delete" ? "delete" : "modify", productId));
            return;
        }

        var current = product.OfferingId is null ? null : await catalog.FindOfferingAsync(product.OfferingId, cancellationToken);
        var productNumber = current?.Specification?.ProductNumber;
        var imsi = product.Characteristic("imsi") ?? "";
        if (item.Action == "delete")
        {
            switch (productNumber)
            {
                case MobileLine:
                    var line = new Dictionary<string, string> { ["subscription"] = productId, ["imsi"] = imsi, ["msisdn"] = product.Characteristic("msisdn") ?? "", ["paymentMode"] = product.Characteristic("paymentMode") ?? "postpaid" };
                    plan.Step(item.Id!, Network, DeleteSubscriber, line, CreateSubscriber);
                    plan.Step(item.Id!, Smdp, DeleteProfile, new() { ["profile"] = product.Characteristic(EsimProfile) ?? productId, ["iccid"] = product.Characteristic("iccid") ?? "" }, undo: null);
                    break;
                case DataAddOn or RoamingPass:
                    var baseLine = product.BaseProductIds.Count > 0 ? await inventory.FindAsync(product.BaseProductIds[0], cancellationToken) : null;
                    plan.Step(item.Id!, Network, DeactivateService, new() { ["subscription"] = baseLine?.Id ?? "", ["imsi"] = baseLine?.Characteristic("imsi") ?? "", ["service"] = productNumber, ["productId"] = productId }, ActivateService);
                    break;
                case Fibre:
                    plan.Step(item.Id!, Network, DeleteFibreAccess, new() { ["productId"] = productId }, CreateFibreAccess);
                    break;
            }

            plan.Changes.Add(Change(item, "delete", productId));
            return;
        }

        if (Flag(item.Product?.ProductCharacteristic, "simSwap", label))
        {
            RequireLine(productNumber, label, "given a new eSIM");
            await PlanSimSwapAsync(plan, item, product, label, db, cancellationToken);
            return;
        }

        var wantedStatus = item.Product?.Status;
        if (wantedStatus == ProductStatus.Suspended)
        {
            RequireLine(productNumber, label, "suspended");
            if (product.Status != ProductStatus.Active)
            {
                throw TmfProblemException.BadRequest("INVALID_PRODUCT_STATUS", $"{label}: only an active line can be suspended; product '{productId}' is {product.Status}.");
            }

            plan.Step(item.Id!, Network, SuspendSubscriber, new() { ["subscription"] = productId, ["imsi"] = imsi, ["reason"] = Text(item.Product?.ProductCharacteristic, "suspensionReason", label) ?? "customerRequest" }, ResumeSubscriber);
            plan.Changes.Add(Change(item, "suspend", productId));
            return;
        }

        if (wantedStatus == ProductStatus.Active && product.Status == ProductStatus.Suspended)
        {
            plan.Step(item.Id!, Network, ResumeSubscriber, new() { ["subscription"] = productId, ["imsi"] = imsi, ["reason"] = "customerRequest" }, SuspendSubscriber);
            plan.Changes.Add(Change(item, "resume", productId));
            return;
        }

        var newOfferingId = item.ProductOffering?.Id ?? item.Product?.ProductOffering?.Id;
        if (newOfferingId is null || newOfferingId == product.OfferingId)
        {
            throw TmfProblemException.BadRequest("NOTHING_TO_MODIFY",
                $"{label}: a modify item changes the plan ('productOffering.id' of another plan) or the status ('product.status' suspended or active).");
        }

        var target = await OrderableOfferingAsync(newOfferingId, label, catalog, plan.Now, cancellationToken);
        if (target.Specification?.ProductNumber != productNumber)
        {
            throw TmfProblemException.BadRequest("INCOMPATIBLE_OFFERING", $"{label}: '{target.Name}' is not the same kind of product as '{current?.Name}'; a plan changes only to another plan of its kind.");
        }

        CopyPrices(item, target, label);
        var identifiers = product.Characteristics.Where(c => LineIdentifiers.Names.Contains(c.Name));
        var characteristics = identifiers.Concat(target.Characteristics.Select(c => new InventoryCharacteristic(c.Name, c.ValueType, c.Value))).ToList();
        if (productNumber == MobileLine)
        {
            plan.Step(item.Id!, Network, UpdateSubscriber, new() { ["subscription"] = productId, ["imsi"] = imsi, ["paymentMode"] = Text(target.Characteristics, "paymentMode") ?? "postpaid" }, UpdateSubscriber,
                undoInput: new() { ["subscription"] = productId, ["imsi"] = imsi, ["paymentMode"] = product.Characteristic("paymentMode") ?? "postpaid" });
        }

        plan.Changes.Add(new InventoryChange(item.Id!, "modify", productId, target.Name, target.Id, target.Name, target.Specification?.Id, target.Specification?.Name,
            null, null, characteristics, Prices(target), null));
    }

    /// <summary>
    /// A new eSIM for the same number (lost phone, new device): a new ICCID and profile on the SM-DP+, then the old profile
    /// deleted; the line keeps its MSISDN and IMSI, the network is not touched, the old ICCID goes to quarantine.
    /// </summary>
    private async Task PlanSimSwapAsync(Planning plan, ProductOrderItem item, InventoryProduct product, string label, OrderingDbContext db, CancellationToken cancellationToken)
    {
        var iccid = await numbers.ReserveAsync(db, NumberKind.Iccid, null, plan.OrderId, label, plan.Now, cancellationToken);
        var profile = $"{product.Id}.{plan.OrderId[^12..]}";
        var imsi = product.Characteristic("imsi") ?? "";
        plan.Step(item.Id!, Smdp, PrepareProfile, new() { ["profile"] = profile, ["iccid"] = iccid, ["imsi"] = imsi }, DeleteProfile);
        plan.Step(item.Id!, Smdp, DeleteProfile, new() { ["profile"] = product.Characteristic(EsimProfile) ?? product.Id, ["iccid"] = product.Characteristic("iccid") ?? "" }, undo: null);
        var characteristics = product.Characteristics
            .Select(c => c.Name switch { "iccid" => Characteristic("iccid", iccid), EsimProfile => Characteristic(EsimProfile, profile), _ => c })
            .ToList();
        if (characteristics.All(c => c.Name != EsimProfile))
        {
            characteristics.Add(Characteristic(EsimProfile, profile));
        }

        plan.Changes.Add(new InventoryChange(item.Id!, "modify", product.Id, null, null, null, null, null, null, null, characteristics, null, null));
    }

    /// <summary>
    /// One open order per product at a time: orders are judged against the product as it is, so a second change while
    /// the first is on its way (a suspension racing a termination) would be judged against a state that is going away.
    /// </summary>
    private static async Task EnsureNoOpenOrderChangesAsync(OrderingDbContext db, string productId, string label, CancellationToken cancellationToken)
    {
        if (await OpenOrderChangingAsync(db, [productId], cancellationToken) is { } open)
        {
            throw TmfProblemException.Conflict("PRODUCT_CHANGE_IN_PROGRESS",
                $"{label}: product '{productId}' is being changed by order '{open.OrderId}'; order again when it has completed, or cancel it.");
        }
    }

    /// <summary>
    /// The same for a bundle: it is judged as a whole (its limits count every member, ADR 0010 "Bundles"), so a change of
    /// the bundle or of any of its members waits while an open order changes the bundle or another member. Otherwise two
    /// orders each taking one of a family's two 5G Start lines would both be judged against the same family and both pass.
    /// </summary>
    private async Task EnsureNoOpenBundleChangesAsync(OrderingDbContext db, InventoryProduct product, string label, CancellationToken cancellationToken)
    {
        var bundle = product.IsBundle ? product : product.BundleProductId is { } bundleId ? await inventory.FindAsync(bundleId, cancellationToken) : null;
        if (bundle is null)
        {
            return;
        }

        if (await OpenOrderChangingAsync(db, [bundle.Id, .. bundle.BundledProductIds.Where(id => id != product.Id)], cancellationToken) is { } open)
        {
            var what = open.ProductId == bundle.Id ? "it" : $"its member '{open.ProductId}'";
            throw TmfProblemException.Conflict("PRODUCT_CHANGE_IN_PROGRESS",
                $"{label}: product '{product.Id}' is {(product.IsBundle ? "a" : "in the")} bundle '{bundle.Id}', and order '{open.OrderId}' is changing {what}; order again when it has completed, or cancel it.");
        }
    }

    /// <summary>An open order (not completed, failed, cancelled or rejected) with an item for one of <paramref name="productIds"/>, if any.</summary>
    private static async Task<(string OrderId, string ProductId)?> OpenOrderChangingAsync(OrderingDbContext db, string[] productIds, CancellationToken cancellationToken)
    {
        string[] closed = [OrderState.Completed, OrderState.Failed, OrderState.Cancelled, OrderState.Rejected];
        var resource = OrderingResources.ProductOrder.Resource;
        var open = await (from item in db.SearchEntries
                          where item.ResourceType == resource && item.Path == "productOrderItem.product.id" && productIds.Contains(item.Text!)
                          join state in db.SearchEntries on item.DocumentId equals state.DocumentId
                          where state.Path == "state" && !closed.Contains(state.Text!)
                          select new { item.DocumentId, item.Text }).FirstOrDefaultAsync(cancellationToken);
        return open is null ? null : (open.DocumentId, open.Text!);
    }

    private static void RequireLine(string? productNumber, string label, string what)
    {
        if (productNumber != MobileLine)
        {
            throw TmfProblemException.BadRequest("INVALID_PRODUCT_STATUS", $"{label}: only a mobile line can be {what}.");
        }
    }

    private async Task<(string ProductId, string Imsi)> BasePlanAsync(Planning plan, ProductOrderItem item, CatalogOffering addOn, string label, CancellationToken cancellationToken)
    {
        var related = item.ProductOrderItemRelationship?.Select(r => r.Id).FirstOrDefault(id => id is not null && plan.Lines.ContainsKey(id));
        if (related is not null && plan.Lines[related] is var (lineId, lineImsi, lineOffering) && addOn.RequiredOfferingIds.Contains(lineOffering))
        {
            return (lineId, lineImsi);
        }

        var baseId = item.Product?.ProductRelationship?.Select(r => r.Product?.Id).FirstOrDefault(id => id is not null);
        if (baseId is not null)
        {
            var owned = await OwnedProductAsync(plan, baseId, label, cancellationToken);
            if (owned.Status is ProductStatus.Active or ProductStatus.Suspended && owned.OfferingId is not null && addOn.RequiredOfferingIds.Contains(owned.OfferingId))
            {
                return (owned.Id, owned.Characteristic("imsi") ?? "");
            }
        }

        throw TmfProblemException.BadRequest("ADD_ON_REQUIRES_BASE_PLAN",
            $"{label}: '{addOn.Name}' is an add-on and needs one of its base plans: name the customer's plan in 'product.productRelationship' (relationshipType 'addOnTo'), or order the plan in the same order and relate the items with 'productOrderItemRelationship' (relationshipType 'reliesOn').");
    }

    private async Task<InventoryProduct> OwnedProductAsync(Planning plan, string productId, string label, CancellationToken cancellationToken)
    {
        var product = await inventory.FindAsync(productId, cancellationToken);
        // Only the holder (role customer) changes or builds on a product: its user or payer may see it, not end or swap it.
        if (product is null || !product.RelatedParties.Any(p => p.Id == plan.Customer.PartyId && p.Role == ProductOrderRules.CustomerRole))
        {
            // The same answer whether the product does not exist or is somebody else's: ids cannot be probed.
            throw TmfProblemException.BadRequest("PRODUCT_NOT_OWNED", $"{label}: product '{productId}' does not exist or is not the ordering customer's.");
        }

        if (product.Status == ProductStatus.Terminated)
        {
            throw TmfProblemException.BadRequest("PRODUCT_TERMINATED", $"{label}: product '{productId}' is terminated.");
        }

        return product;
    }

    private static async Task<CatalogOffering> OrderableOfferingAsync(string? offeringId, string label, IOfferingCatalog catalog, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(offeringId))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", $"{label}: 'productOffering.id' must name the offering ordered.");
        }

        var offering = await catalog.FindOfferingAsync(offeringId, cancellationToken)
                       ?? throw TmfProblemException.BadRequest("OFFERING_NOT_FOUND", $"{label}: product offering '{offeringId}' does not exist.");
        if (!offering.IsOrderableAt(now))
        {
            var window = offering.ValidFrom is null && offering.ValidTo is null ? "" : $", valid {offering.ValidFrom:O} to {offering.ValidTo?.ToString("O") ?? "open end"}";
            throw TmfProblemException.BadRequest("OFFERING_NOT_ORDERABLE", $"{label}: '{offering.Name}' cannot be ordered now (status {offering.LifecycleStatus}{window}).");
        }

        return offering;
    }

    /// <summary>The item is sold at the catalog's prices of today, copied onto the item (and later the product): a price the client names must be one of the offering's.</summary>
    internal static void CopyPrices(ProductOrderItem item, CatalogOffering offering, string label)
    {
        for (var p = 0; p < (item.ItemPrice?.Count ?? 0); p++)
        {
            var named = item.ItemPrice![p].ProductOfferingPrice?.Id;
            if (named is not null && offering.Prices.All(price => price.Id != named))
            {
                throw TmfProblemException.BadRequest("PRICE_NOT_IN_OFFERING", $"{label}: itemPrice[{p}] names price '{named}', which is not a price of '{offering.Name}'.");
            }
        }

        item.ItemPrice = offering.Prices.Where(p => p.PriceType is "oneTime" or "recurring" or "usage").Select(price => new OrderPrice
        {
            Name = price.Name,
            PriceType = price.PriceType,
            RecurringChargePeriod = RecurringPeriod(price),
            UnitOfMeasure = price.UnitOfMeasure,
            Price = new Price { TaxIncludedAmount = price.Amount is null ? null : new Money { Unit = price.Currency, Value = price.Amount } },
            PriceAlteration = price.Alterations.Count == 0 ? null : [.. price.Alterations.Select(a => new PriceAlteration
            {
                Name = a.Name,
                PriceType = price.PriceType,
                ApplicationDuration = a.DurationAmount,
                Price = new Price { Percentage = a.Percentage, TaxIncludedAmount = a.Amount is null ? null : new Money { Unit = a.Currency, Value = a.Amount } },
                ProductOfferingPrice = new ProductOfferingPriceRef { Id = a.Id, Name = a.Name },
            })],
            ProductOfferingPrice = new ProductOfferingPriceRef { Id = price.Id, Name = price.Name, Href = "/tmf-api/productCatalogManagement/v4/productOfferingPrice/" + price.Id },
        }).ToList();
    }

    internal static List<InventoryPrice> Prices(CatalogOffering offering) =>
        offering.Prices.Select(p => new InventoryPrice(p.Id, p.Name, p.PriceType, RecurringPeriod(p), p.Amount, p.Currency, p.UnitOfMeasure,
            p.Alterations.Count == 0 ? null : string.Join("; ", p.Alterations.Select(a => a.Name)))).ToList();

    private static string? RecurringPeriod(CatalogPrice price) =>
        price.PriceType == "recurring" ? (price.RecurringChargePeriodLength is > 1 ? $"{price.RecurringChargePeriodLength} {price.RecurringChargePeriodType}" : price.RecurringChargePeriodType ?? "month") : null;

    private static InventoryChange Change(ProductOrderItem item, string action, string productId) =>
        new(item.Id!, action, productId, null, null, null, null, null, null, null, null, null, null);

    private static InventoryCharacteristic Characteristic(string name, string value) => new(name, "string", JsonSerializer.SerializeToElement(value));

    private static string? Text(IEnumerable<Characteristic>? characteristics, string name, string label)
    {
        var found = characteristics?.FirstOrDefault(c => c.Name == name);
        if (found?.Value is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw TmfProblemException.BadRequest("INVALID_CHARACTERISTIC", $"{label}: characteristic '{name}' must be a string.");
    }

    private static bool Flag(IEnumerable<Characteristic>? characteristics, string name, string label) =>
        characteristics?.FirstOrDefault(c => c.Name == name)?.Value switch
        {
            null => false,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => throw TmfProblemException.BadRequest("INVALID_CHARACTERISTIC", $"{label}: characteristic '{name}' must be true or false."),
        };

    private static string? Text(IEnumerable<CatalogCharacteristicValue> characteristics, string name) =>
        characteristics.FirstOrDefault(c => c.Name == name)?.Value is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private sealed class Planning(string orderId, OrderCustomer customer, DateTimeOffset now, string? billingAccountId)
    {
        public string OrderId => orderId;

        public OrderCustomer Customer => customer;

        public DateTimeOffset Now => now;

        public string? BillingAccountId => billingAccountId;

        public List<ProcessStep> Steps { get; } = [];

        public List<InventoryChange> Changes { get; } = [];

        public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

        /// <summary>The bundles this order adds or changes, judged once every item is planned.</summary>
        public OrderBundles Bundling { get; } = new();

        /// <summary>Lines added by this order, by item id: their product id, IMSI and offering.</summary>
        public Dictionary<string, (string ProductId, string Imsi, string OfferingId)> Lines { get; } = new(StringComparer.Ordinal);

        public void Step(string itemId, string system, string operation, Dictionary<string, string> input, string? undo, Dictionary<string, string>? undoInput = null) =>
            Steps.Add(new ProcessStep { Id = $"{itemId}/{operation}", ItemId = itemId, System = system, Operation = operation, Input = input, Undo = undo, UndoInput = undoInput });
    }
}

/// <summary>The customer an order is for, and the parties its products will name.</summary>
internal sealed record OrderCustomer(string PartyId, IReadOnlyList<InventoryParty> Parties);
