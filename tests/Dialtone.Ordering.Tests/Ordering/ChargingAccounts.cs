using System.Net.Http.Headers;
using System.Text;
using Dialtone.Charging.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// Charging accounts follow the orders of a line (issue 5, ADR 0012): the line's completion opens its account with the
/// plan's allowance, an add-on's allowance is usable at once, a barred line is refused, and a terminated line's
/// subscriber is unknown to charging. Seen from the 5G core's side, over Nchf.
/// </summary>
public sealed class ChargingAccounts
{
    private const string Nchf = "/nchf-convergedcharging/v3/chargingdata";

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
        await shop.OrderAndCompleteAsync(customer, Shop.Order(boost));
        var boosted = await EventuallyAsync(account, balance => balance.Buckets.Any(b => b.Kind == "addOn"));
        Assert.Equal(5_000_000_000, boosted.Buckets.Single(b => b.Kind == "addOn").Amount);

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

    private static async Task<(HttpStatusCode Status, JsonObject? Body, string? Location)> CreateAsync(HttpClient smf, string imsi, long chargingId, long gigabytes)
    {
        var body = new JsonObject
        {
            ["subscriberIdentifier"] = $"imsi-{imsi}",
            ["nfConsumerIdentification"] = new JsonObject { ["nFName"] = "smf-a", ["nodeFunctionality"] = "SMF" },
            ["invocationTimeStamp"] = "2026-11-26T09:00:00Z",
            ["invocationSequenceNumber"] = 1,
            ["multipleUnitUsage"] = new JsonArray(new JsonObject { ["ratingGroup"] = 10, ["requestedUnit"] = new JsonObject { ["totalVolume"] = gigabytes * 1_000_000_000 } }),
            ["pDUSessionChargingInformation"] = new JsonObject { ["chargingId"] = chargingId },
        };
        using var response = await smf.PostAsync(Nchf, new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject(), response.Headers.Location?.ToString());
    }

    private static async Task ReleaseAsync(HttpClient smf, string location)
    {
        var body = new JsonObject
        {
            ["nfConsumerIdentification"] = new JsonObject { ["nFName"] = "smf-a", ["nodeFunctionality"] = "SMF" },
            ["invocationTimeStamp"] = "2026-11-26T09:00:00Z",
            ["invocationSequenceNumber"] = 2,
        };
        using var response = await smf.PostAsync($"{location}/release", new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static long Granted(JsonObject answer) => answer["multipleUnitInformation"]![0]!["grantedUnit"]!["totalVolume"]!.GetValue<long>();

    /// <summary>The account changes when the completion event is handled, a moment after the order reads completed.</summary>
    private static async Task<AccountBalance> EventuallyAsync(IChargingAccountGrain account, Func<AccountBalance, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var balance = await account.BalanceAsync();
            if (balance is not null && done(balance))
            {
                return balance;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the charging account stayed {balance?.Status ?? "unopened"}");
            await Task.Delay(25);
        }
    }

    /// <summary>The first create after the line's completion: the account opens when the completion event is handled.</summary>
    private static async Task<(HttpStatusCode Status, JsonObject? Body, string? Location)> EventuallyAsync(
        Func<Task<(HttpStatusCode Status, JsonObject? Body, string? Location)>> attempt, Func<(HttpStatusCode Status, JsonObject? Body, string? Location), bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var answer = await attempt();
            if (done(answer) || DateTime.UtcNow > deadline)
            {
                Assert.True(done(answer), $"{(int)answer.Status}: {answer.Body}");
                return answer;
            }

            await Task.Delay(25);
        }
    }
}
