using Dialtone.Charging.Grains;
using static Dialtone.Ordering.Tests.Ordering.NchfCalls;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// Charging accounts follow the orders of a line (issue 5, ADR 0012): the line's completion opens its account with the
/// plan's allowance, an add-on's allowance is usable at once, a barred line is refused, and a terminated line's
/// subscriber is unknown to charging. Seen from the 5G core's side, over Nchf.
/// </summary>
public sealed class ChargingAccounts
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ALinesOrdersOpenChangeAndCloseItsChargingAccount(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var added = await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Plus 40 GB"))));
        var line = Shop.ProductOf(added);
        var imsi = Shop.Characteristic(await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}"), "imsi")!;
        // IMSIs are handed out in sequence: the first line of a fresh database has the first of the range (README).
        Assert.Equal("001010000000001", imsi);
        using var smf = shop.App.ClientAs("smf-1", "network");
        var account = shop.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(line));

        var first = await EventuallyAsync(() => CreateAsync(smf, imsi, 1, gigabytes: 1), answer => answer.Status == HttpStatusCode.Created);
        Assert.Equal(1_000_000_000, Granted(first.Body!));
        await ReleaseAsync(smf, first.Location!);
        var opened = (await account.BalanceAsync())!;
        Assert.Equal(AccountStatus.Active, opened.Status);
        Assert.False(opened.Prepaid);
        var data = opened.Buckets.Single(b => b.Kind == "plan" && b.Unit == "octet" && b.Id.EndsWith("/dataAllowance", StringComparison.Ordinal));
        Assert.Equal(40_000_000_000, data.Amount);

        var boost = Shop.Add("1", await shop.OfferingIdAsync("Data Boost +5 GB"), product: new JsonObject
        {
            ["productRelationship"] = new JsonArray(new JsonObject { ["relationshipType"] = "addOnTo", ["product"] = new JsonObject { ["id"] = line } }),
        });
        var boostProduct = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(boost)));
        var boosted = await EventuallyAsync(account, balance => balance.Buckets.Any(b => b.Kind == "addOn"));
        Assert.Equal(5_000_000_000, boosted.Buckets.Single(b => b.Kind == "addOn").Amount);

        // Ending the add-on takes what is left of it at once; the plan's allowance stays as it was.
        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = boostProduct } }));
        var unboosted = await EventuallyAsync(account, balance => balance.Buckets.All(b => b.Kind != "addOn"));
        Assert.Equal(data.Amount, unboosted.Buckets.Single(b => b.Id == data.Id).Amount);

        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = line, ["status"] = "suspended" } }));
        await EventuallyAsync(account, balance => balance.Status == AccountStatus.Barred);
        var barred = await CreateAsync(smf, imsi, 3, gigabytes: 1);
        Assert.Equal(HttpStatusCode.Forbidden, barred.Status);
        Assert.Equal("END_USER_REQUEST_DENIED", barred.Body!["cause"]!.GetValue<string>());

        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = line, ["status"] = "active" } }));
        await EventuallyAsync(account, balance => balance.Status == AccountStatus.Active);
        var resumed = await CreateAsync(smf, imsi, 4, gigabytes: 1);
        Assert.Equal(HttpStatusCode.Created, resumed.Status);
        await ReleaseAsync(smf, resumed.Location!);

        await shop.OrderAndCompleteAsync(customer, Shop.Order(new JsonObject { ["id"] = "1", ["action"] = "delete", ["product"] = new JsonObject { ["id"] = line } }));
        await EventuallyAsync(account, balance => balance.Status == AccountStatus.Closed);
        var gone = await CreateAsync(smf, imsi, 5, gigabytes: 1);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("USER_UNKNOWN", gone.Body!["cause"]!.GetValue<string>());
        Assert.Empty(shop.Problems);
    }
}
