using Dialtone.Catalog.Contracts;
using Dialtone.Charging.Grains;
using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Contracts;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Features.Migration;
using Dialtone.Ordering.Features.ProductOrders;
using Dialtone.Ordering.Numbers;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Dialtone.Ordering.Tests.Ordering.NchfCalls;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// Ordering's batch of migration orders (issue 6, ADR 0016), called as the legacy import calls it: each line becomes a
/// completed TMF622 order (category migration) and a product in TMF637 with its legacy MSISDN and a drawn IMSI, both
/// assigned in the number pool, and a charging account; nothing reaches the network; a line whose number is taken or
/// whose offering is no line is refused with a reason; the same batch again creates nothing.
/// </summary>
public sealed class MigrationOrderBatches
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task MigratedLinesAreCompletedOrdersWithNumbersAndChargingAccountsAndNoProvisioning(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (partyId, customer) = await shop.CustomerAsync("Greta");
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var boost = await shop.OfferingIdAsync("Data Boost +5 GB");
        var migration = shop.App.Services.GetRequiredService<IMigrationOrderBatch>();
        MigrationLine[] lines =
        [
            new("S-1", partyId, null, plus, "+4917612345601", "active", new DateOnly(2021, 3, 4), "Migration of legacy subscription S-1"),
            new("S-2", partyId, null, plus, "+4917612345602", "suspended", null),
            new("S-3", partyId, null, plus, "+4917612345601", "active", null),
            new("S-4", partyId, null, boost, "+4917612345604", "active", null),
            new("S-5", partyId, null, "no-such-offering", "+4917612345605", "active", null),
        ];

        var first = await migration.MigrateAsync("test", lines, CancellationToken.None);
        Assert.Equal(["created", "created", "rejected", "rejected", "rejected"], first.Select(o => o.Outcome));
        Assert.Equal(["MSISDN_TAKEN", "OFFERING_NOT_A_LINE", "OFFERING_NOT_FOUND"], first.Skip(2).Select(o => o.ReasonCode));
        Assert.All(first.Skip(2), o => Assert.DoesNotContain("+49", o.Reason, StringComparison.Ordinal));

        var order = await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{first[0].OrderId}");
        Assert.Equal("completed", order["state"]!.GetValue<string>());
        Assert.Equal("migration", order["category"]!.GetValue<string>());
        Assert.Equal("S-1", order["externalId"]!.GetValue<string>());
        Assert.Equal(first[0].ProductId, Shop.ProductOf(order));
        Assert.Equal("completed", order["productOrderItem"]![0]!["state"]!.GetValue<string>());
        // Nothing was sold: the order copies no prices; the product keeps the plan's.
        Assert.Null(order["productOrderItem"]![0]!["itemPrice"]);
        Assert.Null(order["orderTotalPrice"]);
        Assert.Equal(2, (await customer.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder?category=migration")).Count);

        var product = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{first[0].ProductId}");
        Assert.Equal("active", product["status"]!.GetValue<string>());
        Assert.Equal(plus, product["productOffering"]!["id"]!.GetValue<string>());
        Assert.Equal("+4917612345601", Shop.Characteristic(product, "msisdn"));
        Assert.StartsWith("2021-03-04", product["startDate"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(product["productPrice"]!.AsArray(), p => p!["priceType"]!.GetValue<string>() == "recurring");
        var imsi = Shop.Characteristic(product, "imsi")!;
        Assert.Equal("001010000000001", imsi);
        var barred = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{first[1].ProductId}");
        Assert.Equal("suspended", barred["status"]!.GetValue<string>());
        Assert.Equal("001010000000002", Shop.Characteristic(barred, "imsi"));

        // Nothing was provisioned: no network or SM-DP+ call, no service order.
        Assert.Empty(shop.Network.Calls);
        Assert.Empty(await shop.Agent.GetJsonArrayAsync("/tmf-api/serviceOrdering/v4/serviceOrder"));

        // Both identifiers are assigned to the product in the pool; the refused line's number was not taken.
        await using (var scope = shop.App.Services.CreateAsyncScope())
        {
            var pool = scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Numbers.AsNoTracking();
            var assigned = await pool.Where(n => n.OrderId == first[0].OrderId).OrderBy(n => n.Kind).ToListAsync();
            Assert.Equal([(NumberKind.Imsi, imsi), (NumberKind.Msisdn, "+4917612345601")], assigned.Select(n => (n.Kind, n.Value)));
            Assert.All(assigned, n => Assert.Equal((NumberStatus.Assigned, first[0].ProductId), (n.Status, n.ProductId)));
            Assert.Equal(4, await pool.CountAsync());
        }

        // The legacy number is assigned: nobody can bring it in again; the order cannot be cancelled.
        var portIn = Shop.Add("1", plus, product: new JsonObject
        {
            ["productCharacteristic"] = new JsonArray(
                new JsonObject { ["name"] = "msisdn", ["value"] = "+4917612345601" },
                new JsonObject { ["name"] = "portInDonorOperator", ["value"] = "Other Mobile" }),
        });
        await Shop.RefusedAsync(customer, Shop.Order(portIn), 409, "NUMBER_NOT_AVAILABLE", "+4917612345601");
        using (var cancel = await shop.Agent.PostAsync($"{Shop.OrderApi}/cancelProductOrder", TmfHttp.Json(new JsonObject { ["productOrder"] = new JsonObject { ["id"] = first[0].OrderId } })))
        {
            Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        }

        // Charging opened both accounts from the batch's one event: the active line is charged, the barred one refused.
        using var smf = shop.App.ClientAs("smf-1", "network");
        var session = await EventuallyAsync(() => CreateAsync(smf, imsi, 1, gigabytes: 1), answer => answer.Status == HttpStatusCode.Created);
        await ReleaseAsync(smf, session.Location!);
        var grains = shop.App.Services.GetRequiredService<IGrainFactory>();
        await EventuallyAsync(grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(first[1].ProductId!)), balance => balance.Status == AccountStatus.Barred);
        var refused = await CreateAsync(smf, Shop.Characteristic(barred, "imsi")!, 2, gigabytes: 1);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);

        // The same batch again: the migrated lines are found, nothing is created twice, the refusals stand.
        var again = await migration.MigrateAsync("test", lines, CancellationToken.None);
        Assert.Equal(["existing", "existing", "rejected", "rejected", "rejected"], again.Select(o => o.Outcome));
        Assert.Equal(first.Select(o => o.ProductId), again.Select(o => o.ProductId));
        Assert.Equal(2, (await customer.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder?category=migration")).Count);
        Assert.Equal(2, (await customer.GetJsonArrayAsync($"{Shop.InventoryApi}/product")).Count);
        Assert.Empty(shop.Network.Calls);
        Assert.Empty(shop.Problems);
    }

    /// <summary>
    /// The batch claims its numbers at once: an IMSI already taken in the sequence is skipped, an MSISDN whose quarantine
    /// has ended is reclaimed for the migrated line, one still resting in quarantine refuses the line.
    /// </summary>
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ABatchSkipsTakenImsisAndReclaimsOnlyMsisdnsWhoseQuarantineEnded(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (partyId, _) = await shop.CustomerAsync("Hanna");
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var now = shop.App.Clock.GetUtcNow();
        await using (var scope = shop.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            db.Numbers.AddRange(
                new NumberAssignment { Kind = NumberKind.Imsi, Value = "001010000000002", Status = NumberStatus.Assigned, ProductId = "elsewhere", UpdatedAt = now },
                new NumberAssignment { Kind = NumberKind.Msisdn, Value = "+4917612345611", Status = NumberStatus.Quarantined, QuarantinedUntil = now.AddDays(-1), UpdatedAt = now },
                new NumberAssignment { Kind = NumberKind.Msisdn, Value = "+4917612345612", Status = NumberStatus.Quarantined, QuarantinedUntil = now.AddDays(30), UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        MigrationLine[] lines =
        [
            new("Q-1", partyId, null, plus, "+4917612345611", "active", null),
            new("Q-2", partyId, null, plus, "+4917612345612", "active", null),
            new("Q-3", partyId, null, plus, "+4917612345613", "active", null),
        ];
        var outcomes = await shop.App.Services.GetRequiredService<IMigrationOrderBatch>().MigrateAsync("test", lines, CancellationToken.None);
        Assert.Equal(["created", "rejected", "created"], outcomes.Select(o => o.Outcome));
        Assert.Equal("MSISDN_TAKEN", outcomes[1].ReasonCode);

        await using (var scope = shop.App.Services.CreateAsyncScope())
        {
            var pool = scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Numbers.AsNoTracking();
            var claimed = (await pool.Where(n => n.OrderId == outcomes[0].OrderId || n.OrderId == outcomes[2].OrderId).ToListAsync()).OrderBy(n => n.Value, StringComparer.Ordinal).ToList();
            // The pool held one IMSI, so the sequence starts at 2: taken, skipped; 3 and 4 are drawn.
            Assert.Equal(["+4917612345611", "+4917612345613", "001010000000003", "001010000000004"], claimed.Select(n => n.Value));
            Assert.All(claimed, n => Assert.Equal(NumberStatus.Assigned, n.Status));
            Assert.Equal([outcomes[0].ProductId, outcomes[2].ProductId, outcomes[0].ProductId, outcomes[2].ProductId], claimed.Select(n => n.ProductId));
            Assert.Null(claimed[0].QuarantinedUntil);
            var resting = await pool.SingleAsync(n => n.Value == "+4917612345612");
            Assert.Equal((NumberStatus.Quarantined, (string?)null), (resting.Status, resting.OrderId));
        }
    }

    /// <summary>
    /// A batch resumed after its first step: one line's process was written before processes kept only the line's own
    /// values (a whole change, offering characteristics and prices included) and before claims named their product (its
    /// numbers reserved with no product); the other's keeps only the line. Both complete alike: products with the plan's
    /// allowances and prices, numbers assigned to them, orders completed.
    /// </summary>
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AResumedBatchCompletesLinesReservedBeforeClaimsNamedTheirProductAndLinesKeptWithoutTheirPlan(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (partyId, customer) = await shop.CustomerAsync("Jana");
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        MigrationLine[] lines =
        [
            new("R-1", partyId, null, plus, "+4917612345631", "active", new DateOnly(2019, 5, 6)),
            new("R-2", partyId, null, plus, "+4917612345632", "suspended", null),
        ];
        var orderIds = lines.Select(l => TmfDocumentImport.IdFor("test", "productOrder", l.SourceLineId)).ToArray();
        var productIds = lines.Select(l => TmfDocumentImport.IdFor("test", "product", l.SourceLineId)).ToArray();
        var now = shop.App.Clock.GetUtcNow();
        CatalogOffering offering;
        await using (var scope = shop.App.Services.CreateAsyncScope())
        {
            offering = (await scope.ServiceProvider.GetRequiredService<IOfferingCatalog>().FindOfferingAsync(plus, CancellationToken.None))!;
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            var kept = MigrationOrders.LineChange(lines[0], productIds[0], "001010000000001", offering);
            var whole = kept with
            {
                Characteristics = [.. kept.Characteristics!, .. offering.Characteristics.Select(c => new InventoryCharacteristic(c.Name, c.ValueType, c.Value))],
                Prices = OrderPlanner.Prices(offering),
            };
            db.Processes.AddRange(
                OrderProcess.StartMigration(orderIds[0], MigrationOrders.Creator, partyId, [whole], now),
                OrderProcess.StartMigration(orderIds[1], MigrationOrders.Creator, partyId, [MigrationOrders.LineChange(lines[1], productIds[1], "001010000000002", offering)], now));
            db.Numbers.AddRange(
                new NumberAssignment { Kind = NumberKind.Msisdn, Value = "+4917612345631", OrderId = orderIds[0], UpdatedAt = now },
                new NumberAssignment { Kind = NumberKind.Imsi, Value = "001010000000001", OrderId = orderIds[0], UpdatedAt = now },
                new NumberAssignment { Kind = NumberKind.Msisdn, Value = "+4917612345632", OrderId = orderIds[1], ProductId = productIds[1], UpdatedAt = now },
                new NumberAssignment { Kind = NumberKind.Imsi, Value = "001010000000002", OrderId = orderIds[1], ProductId = productIds[1], UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        var outcomes = await shop.App.Services.GetRequiredService<IMigrationOrderBatch>().MigrateAsync("test", lines, CancellationToken.None);
        Assert.Equal(["created", "created"], outcomes.Select(o => o.Outcome));
        Assert.Equal(productIds, outcomes.Select(o => o.ProductId));

        var products = new List<JsonObject>();
        foreach (var (productId, i) in productIds.Select((id, i) => (id, i)))
        {
            var product = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{productId}");
            products.Add(product);
            Assert.Equal(lines[i].Msisdn, Shop.Characteristic(product, "msisdn"));
            Assert.Equal($"00101000000000{i + 1}", Shop.Characteristic(product, "imsi"));
            Assert.Equal(["msisdn", "imsi", .. offering.Characteristics.Select(c => c.Name)], product["productCharacteristic"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
            Assert.Equal(offering.Prices.Select(p => p.Id), product["productPrice"]!.AsArray().Select(p => p!["productOfferingPrice"]!["id"]!.GetValue<string>()));
            var order = await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{orderIds[i]}");
            Assert.Equal(("completed", productId), (order["state"]!.GetValue<string>(), Shop.ProductOf(order)));
        }

        Assert.Equal(("active", "suspended"), (products[0]["status"]!.GetValue<string>(), products[1]["status"]!.GetValue<string>()));
        Assert.StartsWith("2019-05-06", products[0]["startDate"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(products[0]["productCharacteristic"]!.AsArray().Skip(2).Select(c => c!.ToJsonString()), products[1]["productCharacteristic"]!.AsArray().Skip(2).Select(c => c!.ToJsonString()));

        await using (var scope = shop.App.Services.CreateAsyncScope())
        {
            var pool = scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Numbers.AsNoTracking();
            var numbers = await pool.Where(n => orderIds.Contains(n.OrderId!)).ToListAsync();
            Assert.Equal(4, numbers.Count);
            Assert.All(numbers, n => Assert.Equal((NumberStatus.Assigned, productIds[Array.IndexOf(orderIds, n.OrderId)]), (n.Status, n.ProductId)));
        }

        Assert.Equal(["existing", "existing"], (await shop.App.Services.GetRequiredService<IMigrationOrderBatch>().MigrateAsync("test", lines, CancellationToken.None)).Select(o => o.Outcome));
        Assert.Empty(shop.Network.Calls);
        Assert.Empty(shop.Problems);
    }

    /// <summary>A batch that needs more IMSIs than the range has left is refused as a whole: no IMSI beyond 15 digits is ever drawn.</summary>
    [Fact]
    public async Task ABatchNeedingMoreImsisThanTheRangeHasIsRefusedWithoutAnOverlongImsi()
    {
        // A 14-digit prefix leaves one digit: IMSIs 1 to 9.
        await using var shop = await Shop.OpenAsync(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Dialtone:Ordering:Numbers:ImsiPrefix"] = "00101000000000" });
        var (partyId, _) = await shop.CustomerAsync("Ida");
        var plus = await shop.OfferingIdAsync("5G Plus 40 GB");
        var lines = Enumerable.Range(1, 10).Select(i => new MigrationLine($"X-{i}", partyId, null, plus, $"+49176123456{i + 20}", "active", null)).ToArray();

        var refused = await Assert.ThrowsAsync<Dialtone.Platform.Tmf.TmfProblemException>(() => shop.App.Services.GetRequiredService<IMigrationOrderBatch>().MigrateAsync("test", lines, CancellationToken.None));
        Assert.Equal("NUMBER_POOL_EXHAUSTED", refused.Code);
        await using var scope = shop.App.Services.CreateAsyncScope();
        var pool = scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Numbers.AsNoTracking();
        Assert.Equal(0, await pool.CountAsync());
        Assert.Equal(9, (await shop.App.Services.GetRequiredService<IMigrationOrderBatch>().MigrateAsync("test", lines[..9], CancellationToken.None)).Count(o => o.Outcome == MigrationOutcomes.Created));
        Assert.All(await pool.Where(n => n.Kind == NumberKind.Imsi).Select(n => n.Value).ToListAsync(), imsi => Assert.Equal(15, imsi.Length));
    }
}
