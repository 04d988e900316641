using System.Text.Json;
using Dialtone.Catalog.Contracts;
using Dialtone.Charging.Grains;
using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Contracts;
using Dialtone.Platform.PersonalData;
using Microsoft.Extensions.Logging;

namespace Dialtone.Charging.Accounts;

/// <summary>
/// Keeps charging accounts in step with completed orders (ADR 0012): a new line opens an account with the plan's
/// allowances (from the product's inventory characteristics) and usage prices (from its offering); an add-on adds its
/// allowances at once, and an ended add-on takes what is left of them away at once; a barred, resumed or terminated line changes the account's status. Every change carries the
/// order item's id, so a redelivered event changes nothing twice. A bundle (a family) is a shared pool (ADR 0013): the
/// pool opens with the bundle's <c>sharedPool</c> allowances, its member lines join it and draw on it after their own
/// allowances, a terminated member leaves it, and the pool closes when the bundle ends. An instance (one scope) reads
/// each offering from the catalog once: a batch of migration orders names a handful of offerings for hundreds of lines.
/// </summary>
internal sealed partial class ChargingLines(
    IProductInventory inventory,
    IOfferingCatalog catalog,
    IGrainFactory grains,
    PersonalDataProtector protector,
    ILogger<ChargingLines> logger)
{
    private const string DefaultCurrency = "EUR";

    private readonly Dictionary<string, CatalogOffering?> offerings = new(StringComparer.Ordinal);

    public async Task ApplyAsync(ProductOrderCompleted order, CancellationToken cancellationToken)
    {
        var items = new List<(CompletedOrderItem Item, InventoryProduct Product)>();
        foreach (var item in order.Items)
        {
            if (await inventory.FindAsync(item.ProductId, cancellationToken) is { } product)
            {
                items.Add((item, product));
            }
        }

        // A bundle's pool before its lines (they join it), lines before add-ons (an add-on needs its line's account open),
        // and an ended bundle's pool closes after its lines have left it.
        foreach (var (item, product) in items.OrderBy(pair => Rank(pair.Product)))
        {
            await ApplyAsync(order, item, product, cancellationToken);
        }
    }

    /// <summary>
    /// The charging accounts of a batch of migrated lines (<see cref="MigrationOrdersCompleted"/>): the products read from
    /// inventory in one query and their terms from the catalog first (this instance's scope, one at a time), then up to
    /// <paramref name="parallelism"/> accounts opened at once (grain calls: the grain storage commits concurrent writes
    /// together). A migrated line is new, so it opens (active) and is suspended only when its product is; with the same
    /// change ids as <see cref="ApplyAsync(ProductOrderCompleted, CancellationToken)"/>, so a redelivery by either way
    /// changes nothing twice. Anything that is not a standalone line added by its order takes the general way.
    /// </summary>
    public async Task OpenMigratedAsync(IReadOnlyList<ProductOrderCompleted> orders, int parallelism, CancellationToken cancellationToken)
    {
        var items = orders.SelectMany(order => order.Items.Select(item => (Order: order, Item: item))).ToList();
        var products = (await inventory.FindManyAsync([.. items.Select(x => x.Item.ProductId).Distinct(StringComparer.Ordinal)], cancellationToken))
            .ToDictionary(p => p.Id, StringComparer.Ordinal);
        var lines = new List<(string ChangeId, DateTimeOffset At, InventoryProduct Product, AccountTerms Terms)>(items.Count);
        var others = new List<(ProductOrderCompleted Order, CompletedOrderItem Item, InventoryProduct Product)>();
        foreach (var (order, item) in items)
        {
            if (!products.TryGetValue(item.ProductId, out var product))
            {
                continue;
            }

            if (item.Action == "add" && IsLine(product) && !product.IsBundle && !item.IsBundle && product.BundleProductId is null && item.BundleProductId is null
                && product.Status is ProductStatus.Active or ProductStatus.Suspended)
            {
                lines.Add(($"{order.OrderId}/{item.OrderItemId}", order.CompletedAt, product, await TermsAsync(product, order.CompletedAt, cancellationToken)));
            }
            else
            {
                others.Add((order, item, product));
            }
        }

        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, async (line, _) =>
        {
            var account = grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(line.Product.Id));
            await account.ApplyAsync(new AccountChange($"{line.ChangeId}/open", AccountChangeKind.Open, line.Product.Id, line.At, line.Terms, AllowancesOf(line.Product, addOn: false)));
            if (line.Product.Status == ProductStatus.Suspended)
            {
                await account.ApplyAsync(new AccountChange($"{line.ChangeId}/status", AccountChangeKind.Suspend, line.Product.Id, line.At));
            }

            await grains.GetGrain<ISubscriberGrain>(SubscriberKeys.OfImsi(protector, line.Product.Characteristic("imsi")!)).AssignAsync(ChargingAccountIds.Of(line.Product.Id));
        });

        foreach (var (order, item, product) in others.OrderBy(x => Rank(x.Product)))
        {
            await ApplyAsync(order, item, product, cancellationToken);
        }
    }

    /// <summary>
    /// Brings the account in line with the product as inventory shows it now, not with the event alone: completion
    /// events are handled concurrently and may arrive out of order (a suspension before the line's opening), so each
    /// one opens the account if it is not open yet, and takes the status from the product's current state. Whatever
    /// the order of arrival, the account ends as the product is.
    /// </summary>
    private async Task ApplyAsync(ProductOrderCompleted order, CompletedOrderItem item, InventoryProduct product, CancellationToken cancellationToken)
    {
        var changeId = $"{order.OrderId}/{item.OrderItemId}";
        if (product.IsBundle || item.IsBundle)
        {
            await PoolOfAsync(product, order.CompletedAt, cancellationToken);
            return;
        }

        if (IsLine(product))
        {
            var account = grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(product.Id));
            var subscriber = grains.GetGrain<ISubscriberGrain>(SubscriberKeys.OfImsi(protector, product.Characteristic("imsi")!));
            var bundleId = product.BundleProductId ?? item.BundleProductId;
            if (product.Status == ProductStatus.Terminated)
            {
                if (bundleId is not null)
                {
                    // Before the account closes: leaving releases what the pool holds for the line.
                    await account.ApplyAsync(new AccountChange($"{changeId}/leave-pool", AccountChangeKind.LeavePool, product.Id, order.CompletedAt));
                }

                await account.ApplyAsync(new AccountChange(changeId, AccountChangeKind.Terminate, product.Id, order.CompletedAt));
                await subscriber.UnassignAsync(ChargingAccountIds.Of(product.Id));
                return;
            }

            var terms = await TermsAsync(product, order.CompletedAt, cancellationToken);
            await account.ApplyAsync(new AccountChange($"{changeId}/open", AccountChangeKind.Open, product.Id, order.CompletedAt, terms, AllowancesOf(product, addOn: false)));
            if (item.Action == "modify")
            {
                await account.ApplyAsync(new AccountChange($"{changeId}/plan", AccountChangeKind.ChangePlan, product.Id, order.CompletedAt, terms, AllowancesOf(product, addOn: false)));
            }

            if (bundleId is not null && await inventory.FindAsync(bundleId, cancellationToken) is { } bundle && await PoolOfAsync(bundle, order.CompletedAt, cancellationToken) is { } poolId)
            {
                await account.ApplyAsync(new AccountChange($"{changeId}/join-pool", AccountChangeKind.JoinPool, product.Id, order.CompletedAt, PoolId: poolId));
            }

            var status = product.Status == ProductStatus.Suspended ? AccountChangeKind.Suspend : AccountChangeKind.Resume;
            await account.ApplyAsync(new AccountChange($"{changeId}/status", status, product.Id, order.CompletedAt));
            await subscriber.AssignAsync(ChargingAccountIds.Of(product.Id));
            return;
        }

        if (product.BaseProductIds.Count == 0)
        {
            // Fibre and bundles without a line of their own are not charged in real time.
            LogIgnored(logger, item.Action, order.OrderId, item.OrderItemId);
            return;
        }

        var line = await inventory.FindAsync(product.BaseProductIds[0], cancellationToken);
        if (line is null || !IsLine(line) || line.Status == ProductStatus.Terminated)
        {
            LogIgnored(logger, item.Action, order.OrderId, item.OrderItemId);
            return;
        }

        var lineAccount = grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(line.Id));
        if (product.Status == ProductStatus.Terminated)
        {
            // The add-on ended (or its adding arrives after its ending): what is left of its allowances goes at once.
            await lineAccount.ApplyAsync(new AccountChange(changeId, AccountChangeKind.RemoveAllowances, product.Id, order.CompletedAt, Allowances: AllowancesOf(product, addOn: true)));
            return;
        }

        if (item.Action != "add")
        {
            LogIgnored(logger, item.Action, order.OrderId, item.OrderItemId);
            return;
        }

        await lineAccount.ApplyAsync(new AccountChange($"{changeId}/open-line", AccountChangeKind.Open, line.Id, order.CompletedAt,
            await TermsAsync(line, order.CompletedAt, cancellationToken), AllowancesOf(line, addOn: false)));
        await lineAccount.ApplyAsync(new AccountChange(changeId, AccountChangeKind.AddAllowances, product.Id, order.CompletedAt, Allowances: AllowancesOf(product, addOn: true)));
    }

    private static bool IsLine(InventoryProduct product) => product.Characteristic("imsi") is not null;

    private static int Rank(InventoryProduct product) => product switch
    {
        { IsBundle: true, Status: ProductStatus.Terminated } => 3,
        { IsBundle: true } => 0,
        _ when IsLine(product) => 1,
        _ => 2,
    };

    /// <summary>
    /// The bundle's shared pool (<see cref="SharedPoolIds.Of"/> of the bundle's product id): opened once with the bundle's
    /// <c>sharedPool</c> allowances (the change id is the bundle's, so a later order that adds a line, or an event that
    /// arrives first, opens it the same and never replaces it), or closed when the bundle has ended. Null when closed.
    /// </summary>
    private async Task<Guid?> PoolOfAsync(InventoryProduct bundle, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var pool = grains.GetGrain<ISharedPoolGrain>(SharedPoolIds.Of(bundle.Id));
        if (bundle.Status == ProductStatus.Terminated)
        {
            await pool.CloseAsync();
            return null;
        }

        var allowances = AllowancesOf(bundle, addOn: false).Where(a => a.Kind == "sharedPool").ToList();
        var currency = bundle.OfferingId is null ? null : (await OfferingAsync(bundle.OfferingId, cancellationToken))?.Prices.FirstOrDefault(p => p.Currency is not null)?.Currency;
        await pool.ConfigureAsync(new PoolTerms($"{bundle.Id}/open", at.UtcDateTime.Day, allowances, currency ?? DefaultCurrency));
        return SharedPoolIds.Of(bundle.Id);
    }

    private async Task<CatalogOffering?> OfferingAsync(string offeringId, CancellationToken cancellationToken)
    {
        if (!offerings.TryGetValue(offeringId, out var offering))
        {
            offering = await catalog.FindOfferingAsync(offeringId, cancellationToken);
            offerings[offeringId] = offering;
        }

        return offering;
    }

    private async Task<AccountTerms> TermsAsync(InventoryProduct product, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var offering = product.OfferingId is null ? null : await OfferingAsync(product.OfferingId, cancellationToken);
        var prices = new List<PriceTerms>();
        foreach (var price in offering?.Prices.Where(p => p.PriceType == "usage" && p.RatingGroups.Count > 0) ?? [])
        {
            var firstTier = price.Tiers.Count > 0 ? price.Tiers[0] : null;
            var unit = price.UnitOfMeasure ?? firstTier?.UnitOfMeasure;
            var currency = price.Currency ?? firstTier?.Currency ?? DefaultCurrency;
            IReadOnlyList<TierTerms> tiers = price.Tiers.Count > 0
                ? [.. price.Tiers.OrderBy(t => t.From).Select(t => new TierTerms(t.From, t.To, t.Amount))]
                : price.Amount is { } amount ? [new TierTerms(0, null, amount)] : [];
            if (unit is not null && tiers.Count > 0)
            {
                prices.Add(new PriceTerms(price.Id, price.RatingGroups, currency, unit, tiers));
            }
        }

        var prepaid = string.Equals(product.Characteristic("paymentMode"), "prepaid", StringComparison.OrdinalIgnoreCase);
        var accountCurrency = prices.FirstOrDefault()?.Currency ?? offering?.Prices.FirstOrDefault(p => p.Currency is not null)?.Currency ?? DefaultCurrency;
        // Until billing assigns bill cycles (issue 7), a line's cycle turns on the day of the month it was connected.
        return new AccountTerms(prepaid, accountCurrency, at.UtcDateTime.Day, CreditLimit: null, StartingCredit: 0, prices, product.OfferingId);
    }

    private static List<AllowanceTerms> AllowancesOf(InventoryProduct product, bool addOn)
    {
        var allowances = new List<AllowanceTerms>();
        foreach (var characteristic in product.Characteristics.Where(c => c.ValueType == AllowanceDefinition.ValueType && c.Value.ValueKind == JsonValueKind.Object))
        {
            var definition = characteristic.Value.Deserialize<AllowanceDefinition>();
            if (definition is null)
            {
                continue;
            }

            var kind = addOn ? "addOn" : definition.SharedPool ? "sharedPool" : "plan";
            allowances.Add(new AllowanceTerms($"{product.Id}/{characteristic.Name}", kind, definition.Unit, definition.Unlimited ? null : definition.Amount,
                definition.RatingGroups, definition.Zone, definition.ResetPeriod, definition.Rollover, definition.Priority, ExpiresAt: null));
        }

        return allowances;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Charging ignores {Action} of order {OrderId} item {ItemId}: nothing to charge")]
    private static partial void LogIgnored(ILogger logger, string action, string orderId, string itemId);
}
