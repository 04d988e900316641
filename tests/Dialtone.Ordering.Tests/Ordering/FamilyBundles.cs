using Dialtone.Charging.Grains;
using Microsoft.Extensions.DependencyInjection;
using static Dialtone.Ordering.Tests.Ordering.NchfCalls;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// A family bundle ordered as one TMF622 bundle item (issue 5, ADR 0010 "Bundles", ADR 0013): judged against the
/// catalog's bundle limits, fulfilled line by line, shown in TMF637 as a bundle product whose lines are related to it,
/// and charged as one shared pool its lines draw on after their own plan allowances, visible in TMF654 on every member.
/// </summary>
public sealed class FamilyBundles
{
    private const string Balances = "/tmf-api/prepayBalanceManagement/v4";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AFamilyBecomesABundleInInventoryAndOnePoolItsLinesDrawOnAfterTheirOwnAllowances(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var (_, stranger) = await shop.CustomerAsync("Otto");
        var (family, plus, start) = (await shop.OfferingIdAsync("Dialtone Family"), await shop.OfferingIdAsync("5G Plus 40 GB"), await shop.OfferingIdAsync("5G Start 10 GB"));

        var order = await shop.OrderAndCompleteAsync(customer, Family(family, ("plus", plus), ("kid-1", start), ("kid-2", start)));
        var items = order["productOrderItem"]!.AsArray().ToDictionary(i => i!["id"]!.GetValue<string>(), i => i!["product"]!["id"]!.GetValue<string>());
        var bundleId = items["fam"];
        Assert.True(order["productOrderItem"]![0]!["product"]!["isBundle"]!.GetValue<bool>());
        var bundle = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{bundleId}");
        Assert.True(bundle["isBundle"]!.GetValue<bool>());
        Assert.Equal("Dialtone Family", bundle["name"]!.GetValue<string>());
        var pool = bundle["productCharacteristic"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "sharedDataPool")!;
        Assert.Equal(100_000_000_000, pool["value"]!["amount"]!.GetValue<long>());
        var members = bundle["productRelationship"]!.AsArray().Where(r => r!["relationshipType"]!.GetValue<string>() == "bundled").Select(r => r!["product"]!["id"]!.GetValue<string>());
        Assert.Equal(new[] { items["plus"], items["kid-1"], items["kid-2"] }.Order(), members.Order());
        foreach (var member in new[] { "plus", "kid-1", "kid-2" })
        {
            var line = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{items[member]}");
            Assert.False(line["isBundle"]!.GetValue<bool>());
            var related = Assert.Single(line["productRelationship"]!.AsArray())!;
            Assert.Equal("isBundled", related["relationshipType"]!.GetValue<string>());
            Assert.Equal(bundleId, related["product"]!["id"]!.GetValue<string>());
            Assert.NotNull(Shop.Characteristic(line, "imsi"));
        }

        Assert.Equal(3, (await customer.GetJsonArrayAsync($"{Shop.InventoryApi}/product?productRelationship.relationshipType=isBundled&productRelationship.product.id={bundleId}")).Count);

        // Charging: one pool, all three lines in it.
        var grains = shop.App.Services.GetRequiredService<IGrainFactory>();
        var poolGrain = grains.GetGrain<ISharedPoolGrain>(SharedPoolIds.Of(bundleId));
        await PoolEventuallyAsync(poolGrain, balance => balance?.Members.Count == 3);
        using var smf = shop.App.ClientAs("smf-1", "network");
        var kidImsi = Shop.Characteristic(await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{items["kid-1"]}"), "imsi")!;
        var plusImsi = Shop.Characteristic(await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{items["plus"]}"), "imsi")!;

        // The 5G Start line's own 10 GB first, then 2 GB of the pool; the 5G Plus line's own 40 GB, then 1 GB of the pool.
        var kid = await EventuallyAsync(() => CreateAsync(smf, kidImsi, 1, gigabytes: 12), answer => answer.Status == HttpStatusCode.Created);
        Assert.Equal(12_000_000_000, Granted(kid.Body!));
        await ReleaseAsync(smf, kid.Location!, usedOctets: 12_000_000_000);
        var parent = await EventuallyAsync(() => CreateAsync(smf, plusImsi, 2, gigabytes: 41), answer => answer.Status == HttpStatusCode.Created);
        Assert.Equal(41_000_000_000, Granted(parent.Body!));
        await ReleaseAsync(smf, parent.Location!, usedOctets: 41_000_000_000);

        foreach (var member in new[] { "plus", "kid-1", "kid-2" })
        {
            var buckets = await customer.GetJsonArrayAsync($"{Balances}/bucket?product.id={items[member]}");
            var shared = Assert.Single(buckets, b => b!["kind"]!.GetValue<string>() == "sharedPool")!;
            Assert.True(shared["isShared"]!.GetValue<bool>());
            Assert.Equal(3_000_000_000, shared["usedValue"]!["amount"]!.GetValue<long>());
            Assert.Equal(97_000_000_000, shared["remainingValue"]!["amount"]!.GetValue<long>());
            Assert.Contains(shared["product"]!.AsArray(), p => p!["id"]!.GetValue<string>() == bundleId);
            Assert.Equal(shared.ToJsonString(), (await customer.GetJsonAsync($"{Balances}/bucket/{shared.Id()}")).ToJsonString());
            var own = buckets.Single(b => b!["kind"]!.GetValue<string>() == "plan" && b["usageType"]!.GetValue<string>() == "data" && b["name"]!.GetValue<string>() == "dataAllowance")!;
            Assert.Equal(member switch { "plus" => 40_000_000_000, "kid-1" => 10_000_000_000, _ => 0 }, own["usedValue"]!["amount"]!.GetValue<long>());
            Assert.Equal(0m, buckets.Single(b => b!["kind"]!.GetValue<string>() == "money")!["usedValue"]!["amount"]!.GetValue<decimal>());
        }

        // Nobody else sees the family or changes it.
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{Shop.InventoryApi}/product/{bundleId}")).StatusCode);
        var foreign = Family(family, ("kid-3", start));
        Modify(foreign, bundleId);
        await Shop.RefusedAsync(stranger, foreign, 400, "PRODUCT_NOT_OWNED", "id 'fam'");

        // A member leaves: the pool no longer serves it, the others keep it; a member whose leaving would break the bundle's limits is refused.
        await shop.OrderAndCompleteAsync(customer, Shop.Order(Delete("bye", items["kid-2"])));
        await PoolEventuallyAsync(poolGrain, balance => balance?.Members.Count == 2);
        Assert.DoesNotContain(ChargingAccountIds.Of(items["kid-2"]), (await poolGrain.BalanceAsync())!.Members);
        await EventuallyAsync(grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(items["kid-2"])), balance => balance.Status == AccountStatus.Closed);
        await Shop.RefusedAsync(customer, Shop.Order(Delete("bye", items["kid-1"])), 400, "BUNDLE_CARDINALITY", "id 'bye'");

        // A line joins the family later: a modify of the bundle relating a new line (a modify relating none changes nothing and is refused).
        await Shop.RefusedAsync(customer, Shop.Order(new JsonObject { ["id"] = "fam", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = bundleId, ["status"] = "suspended" } }),
            400, "NOTHING_TO_MODIFY", "id 'fam'");
        var grown = Family(family, ("kid-3", start));
        Modify(grown, bundleId);
        var added = await shop.OrderAndCompleteAsync(customer, grown);
        var kid3 = added["productOrderItem"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == "kid-3")!["product"]!["id"]!.GetValue<string>();
        await PoolEventuallyAsync(poolGrain, balance => balance?.Members.Contains(ChargingAccountIds.Of(kid3)) == true);
        Assert.Contains((await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{bundleId}"))["productRelationship"]!.AsArray(),
            r => r!["relationshipType"]!.GetValue<string>() == "bundled" && r["product"]!["id"]!.GetValue<string>() == kid3);
        Assert.Single(await customer.GetJsonArrayAsync($"{Balances}/bucket?product.id={kid3}"), b => b!["kind"]!.GetValue<string>() == "sharedPool" && b["usedValue"]!["amount"]!.GetValue<long>() == 3_000_000_000);

        // The family ends with its lines, and its pool closes; a bundle ended without its lines is refused.
        var end = Shop.Order(Delete("fam", bundleId), Delete("plus", items["plus"]), Delete("kid-1", items["kid-1"]));
        await Shop.RefusedAsync(customer, end, 400, "BUNDLE_MEMBERS_REMAIN", "id 'fam'");
        end["productOrderItem"]!.AsArray().Add(Delete("kid-3", kid3));
        await shop.OrderAndCompleteAsync(customer, end);
        await PoolEventuallyAsync(poolGrain, balance => balance is null);
        Assert.Equal("terminated", (await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{bundleId}"))["status"]!.GetValue<string>());
        var gone = await CreateAsync(smf, plusImsi, 3, gigabytes: 1);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AFamilyOutsideTheCatalogsLimitsOrMalformedIsRefusedNamingTheItemAndLeavesNothing(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var (family, plus, start, max) = (await shop.OfferingIdAsync("Dialtone Family"), await shop.OfferingIdAsync("5G Plus 40 GB"),
            await shop.OfferingIdAsync("5G Start 10 GB"), await shop.OfferingIdAsync("5G Max 120 GB"));

        await Shop.RefusedAsync(customer, Family(family, ("plus", plus)), 400, "BUNDLE_CARDINALITY", "productOrderItem[0] (id 'fam'): 'Dialtone Family' holds 1 to 4 '5G Start 10 GB'; after this order it would hold 0");
        await Shop.RefusedAsync(customer, Family(family, ("plus", plus), ("k1", start), ("k2", start), ("k3", start), ("k4", start), ("k5", start)), 400, "BUNDLE_CARDINALITY", "it would hold 5");
        await Shop.RefusedAsync(customer, Family(family, ("k1", start)), 400, "BUNDLE_CARDINALITY", "exactly 1 '5G Plus 40 GB'");
        await Shop.RefusedAsync(customer, Family(family, ("plus", plus), ("k1", start), ("max", max)), 400, "NOT_IN_BUNDLE", "(id 'max'): '5G Max 120 GB' is not part of the bundle 'Dialtone Family'");
        await Shop.RefusedAsync(customer, Family(family, ("plus", plus), ("plus2", plus), ("k1", start)), 400, "BUNDLE_CARDINALITY", "exactly 1 '5G Plus 40 GB'");

        var unknownMember = Family(family, ("plus", plus), ("k1", start));
        unknownMember["productOrderItem"]![0]!["productOrderItemRelationship"]!.AsArray().Add(new JsonObject { ["id"] = "nobody", ["relationshipType"] = "bundles" });
        await Shop.RefusedAsync(customer, unknownMember, 400, "INVALID_RELATIONSHIP", "names item 'nobody'");

        var notABundle = Shop.Order(Shop.Add("a", plus, relationships: new JsonArray(new JsonObject { ["id"] = "b", ["relationshipType"] = "bundles" })), Shop.Add("b", start));
        await Shop.RefusedAsync(customer, notABundle, 400, "INVALID_RELATIONSHIP", "(id 'a')");

        var twice = Family(family, ("plus", plus), ("k1", start));
        twice["productOrderItem"]!.AsArray().Add(Shop.Add("fam2", family, relationships: new JsonArray(new JsonObject { ["id"] = "k1", ["relationshipType"] = "bundles" })));
        await Shop.RefusedAsync(customer, twice, 400, "INVALID_BUNDLE_MEMBER", "(id 'k1')");

        var nested = Shop.Order(Shop.Add("fam", family));
        nested["productOrderItem"]![0]!["productOrderItem"] = new JsonArray(Shop.Add("plus", plus), Shop.Add("k1", start));
        await Shop.RefusedAsync(customer, nested, 400, "NESTED_ITEMS_NOT_SUPPORTED", "(id 'fam')");

        await Shop.RefusedAsync(customer, Family("no-such-offering", ("plus", plus), ("k1", start)), 400, "OFFERING_NOT_FOUND", "(id 'fam')");

        async Task Bad(string body)
        {
            using var response = await customer.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {body}: {text}");
            Assert.False(string.IsNullOrWhiteSpace(JsonNode.Parse(text)!["code"]?.GetValue<string>()), text);
        }

        var good = Family(family, ("plus", plus), ("k1", start)).ToJsonString();
        await Bad(good[..^5]);
        await Bad(good.Replace("\"productOrderItemRelationship\":[", "\"productOrderItemRelationship\":\"fam\",\"x\":[", StringComparison.Ordinal));
        await Bad(good.Replace("\"relationshipType\":\"bundles\"", "\"relationshipType\":7", StringComparison.Ordinal));
        await Bad(good.Replace("{\"id\":\"plus\",\"relationshipType\"", "{\"id\":[\"plus\"],\"relationshipType\"", StringComparison.Ordinal));

        Assert.Empty(await customer.GetJsonArrayAsync($"{Shop.OrderApi}/productOrder"));
        Assert.Empty(await customer.GetJsonArrayAsync($"{Shop.InventoryApi}/product"));
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AFamilyIsChangedByOneOpenOrderAtATimeSoTwoOrdersJudgedAgainstTheSameFamilyCannotBreakItsLimits(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var (family, plus, start) = (await shop.OfferingIdAsync("Dialtone Family"), await shop.OfferingIdAsync("5G Plus 40 GB"), await shop.OfferingIdAsync("5G Start 10 GB"));
        var order = await shop.OrderAndCompleteAsync(customer, Family(family, ("plus", plus), ("kid-1", start), ("kid-2", start)));
        var items = order["productOrderItem"]!.AsArray().ToDictionary(i => i!["id"]!.GetValue<string>(), i => i!["product"]!["id"]!.GetValue<string>());
        var bundleId = items["fam"];

        // Each order alone may take one of the two 5G Start lines; together they would leave none. The second waits (409)
        // for the first, as does a modify of the bundle, and is then judged against the family the first has left.
        shop.Network.Hold(Provisioning.ProvisioningOperations.DeleteSubscriber);
        var first = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Delete("bye", items["kid-1"])));
        await Shop.RefusedAsync(customer, Shop.Order(Delete("bye", items["kid-2"])), 409, "PRODUCT_CHANGE_IN_PROGRESS", first.Id());
        var grown = Family(family, ("kid-3", start));
        Modify(grown, bundleId);
        await Shop.RefusedAsync(customer, grown, 409, "PRODUCT_CHANGE_IN_PROGRESS", first.Id());
        shop.Network.Release(Provisioning.ProvisioningOperations.DeleteSubscriber);
        await shop.WaitForStateAsync(customer, first.Id(), "completed");
        await Shop.RefusedAsync(customer, Shop.Order(Delete("bye", items["kid-2"])), 400, "BUNDLE_CARDINALITY", "id 'bye'");

        // A line joining the family and a member's plan change (the 5G Plus and a 5G Start swapping plans) wait for each other, either way round.
        var swap = Shop.Order(PlanChange("to-start", items["plus"], start), PlanChange("to-plus", items["kid-2"], plus));
        shop.Network.Hold(Provisioning.ProvisioningOperations.PrepareProfile);
        var joining = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", grown);
        await Shop.RefusedAsync(customer, swap, 409, "PRODUCT_CHANGE_IN_PROGRESS", joining.Id());
        shop.Network.Release(Provisioning.ProvisioningOperations.PrepareProfile);
        await shop.WaitForStateAsync(customer, joining.Id(), "completed");
        shop.Network.Hold(Provisioning.ProvisioningOperations.UpdateSubscriber);
        var swapping = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", swap);
        var again = Family(family, ("kid-4", start));
        Modify(again, bundleId);
        await Shop.RefusedAsync(customer, again, 409, "PRODUCT_CHANGE_IN_PROGRESS", swapping.Id());
        shop.Network.Release(Provisioning.ProvisioningOperations.UpdateSubscriber);
        await shop.WaitForStateAsync(customer, swapping.Id(), "completed");
        await shop.OrderAndCompleteAsync(customer, again);
        Assert.Equal(4, (await customer.GetJsonArrayAsync($"{Shop.InventoryApi}/product?productRelationship.relationshipType=isBundled&productRelationship.product.id={bundleId}&status=active")).Count);
        Assert.Empty(shop.Problems);
    }

    /// <summary>A family order: the bundle's item <c>fam</c> relating (<c>bundles</c>) one added line per member.</summary>
    private static JsonObject Family(string familyOffering, params (string ItemId, string Offering)[] lines)
    {
        var relationships = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject { ["id"] = l.ItemId, ["relationshipType"] = "bundles" })]);
        return Shop.Order([Shop.Add("fam", familyOffering, relationships: relationships), .. lines.Select(l => Shop.Add(l.ItemId, l.Offering))]);
    }

    /// <summary>Turns the order's bundle item into a modify of the existing bundle <paramref name="bundleId"/> (new lines join it).</summary>
    private static void Modify(JsonObject order, string bundleId)
    {
        var item = order["productOrderItem"]![0]!.AsObject();
        item["action"] = "modify";
        item.Remove("productOffering");
        item["product"] = new JsonObject { ["id"] = bundleId };
    }

    private static JsonObject PlanChange(string itemId, string productId, string offeringId) =>
        new() { ["id"] = itemId, ["action"] = "modify", ["productOffering"] = new JsonObject { ["id"] = offeringId }, ["product"] = new JsonObject { ["id"] = productId } };

    private static JsonObject Delete(string itemId, string productId) =>
        new() { ["id"] = itemId, ["action"] = "delete", ["product"] = new JsonObject { ["id"] = productId } };

    private static async Task PoolEventuallyAsync(ISharedPoolGrain pool, Func<PoolBalance?, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var balance = await pool.BalanceAsync();
            if (done(balance))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the pool stayed {(balance is null ? "closed" : $"with {balance.Members.Count} members")}");
            await Task.Delay(25);
        }
    }
}
