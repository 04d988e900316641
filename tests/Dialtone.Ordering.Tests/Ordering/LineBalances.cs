using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dialtone.Charging.Grains;
using Microsoft.Extensions.DependencyInjection;
using static Dialtone.Ordering.Tests.Ordering.NchfCalls;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// TMF654 balances of a line that came from a real order (issue 5): its holder reads allowances and money as of the last
/// acknowledged charging request; an agent credits a prepaid line, a holder applies a voucher; every top-up is credited
/// once per Idempotency-Key; nobody reads or credits another customer's line.
/// </summary>
public sealed class LineBalances
{
    private const string Api = "/tmf-api/prepayBalanceManagement/v4";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AHolderReadsBalancesThatFollowEveryChargingAnswerAndAnAgentCreditsOnce(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var (_, stranger) = await shop.CustomerAsync("Otto");
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("Dialtone Prepaid")))));
        var imsi = Shop.Characteristic(await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{line}"), "imsi")!;
        var account = shop.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(line));
        await EventuallyAsync(account, balance => balance.Prepaid);

        var empty = Money(await customer.GetJsonArrayAsync($"{Api}/bucket?product.id={line}"));
        Assert.Equal(0m, empty["remainingValue"]!["amount"]!.GetValue<decimal>());
        Assert.Equal("EUR", empty["remainingValue"]!["units"]!.GetValue<string>());

        // An agent credits 10 EUR; the same key and body again is the same top-up, credited once.
        var credit = TopUp(line, amount: 10m, reason: "Goodwill");
        var (status, first, location) = await PostAsync(shop.Agent, credit, "key-1");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(first!["href"]!.GetValue<string>(), location);
        Assert.Equal("confirmed", first["status"]!.GetValue<string>());
        Assert.Equal(10m, first["amount"]!["amount"]!.GetValue<decimal>());
        Assert.Equal("Goodwill", first["reason"]!.GetValue<string>());
        if (database == TestDatabase.Sqlite)
        {
            // The agent's free text is personal data: the account's state (its own SQLite file, and its WAL) holds it encrypted.
            var store = Path.Combine(shop.App.DataDirectory, "charging", "grains.db");
            var bytes = string.Concat(new[] { store, store + "-wal" }.Where(File.Exists).Select(file => Encoding.UTF8.GetString(ReadShared(file))));
            Assert.Contains("\"reason\":\"pd1:", bytes, StringComparison.Ordinal);
            Assert.DoesNotContain("Goodwill", bytes, StringComparison.Ordinal);
        }

        var (again, repeated, _) = await PostAsync(shop.Agent, credit, "key-1");
        Assert.Equal(HttpStatusCode.Created, again);
        Assert.Equal(first.Id(), repeated!.Id());
        var (reused, reuse, _) = await PostAsync(shop.Agent, TopUp(line, amount: 20m), "key-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", reuse!["code"]!.GetValue<string>());
        Assert.Equal(10m, (await account.BalanceAsync())!.Credit);

        // Read-your-writes: the moment the release is answered, the holder's read shows what it cost (3 MB at 0.005 EUR).
        using var smf = shop.App.ClientAs("smf-1", "network");
        var session = await EventuallyAsync(() => CreateAsync(smf, imsi, 1, gigabytes: 1), answer => answer.Status == HttpStatusCode.Created);
        await ReleaseAsync(smf, session.Location!, usedOctets: 3_000_000);
        var money = Money(await customer.GetJsonArrayAsync($"{Api}/bucket?product.id={line}"));
        Assert.Equal(9.985m, money["remainingValue"]!["amount"]!.GetValue<decimal>());
        Assert.Equal(0m, money["reservedValue"]!["amount"]!.GetValue<decimal>());
        Assert.Equal("active", money["status"]!.GetValue<string>());
        var byId = await customer.GetJsonAsync($"{Api}/bucket/{money.Id()}");
        Assert.Equal(money.ToJsonString(), byId.ToJsonString());

        // The list pages and projects the TMF630 way.
        var all = await customer.GetJsonArrayAsync($"{Api}/bucket?product.id={line}");
        var part = await customer.GetAsync($"{Api}/bucket?product.id={line}&offset=1&limit=1");
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(all.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), part.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal(all.Skip(1).Take(1).Select(bucket => bucket!.Id()), (await part.Content.ReadFromJsonAsync<JsonArray>())!.Select(bucket => bucket!.Id()));
        var projected = await customer.GetJsonArrayAsync($"{Api}/bucket?product.id={line}&fields=remainingValue");
        Assert.All(projected, bucket => Assert.Subset(new HashSet<string> { "@type", "href", "id", "remainingValue" }, bucket!.AsObject().Select(pair => pair.Key).ToHashSet()));
        Assert.Contains(projected, bucket => bucket!["remainingValue"] is not null);
        Assert.Equal(HttpStatusCode.BadRequest, (await customer.GetAsync($"{Api}/bucket?product.id={line}&fields=secret")).StatusCode);
        var one = await customer.GetJsonAsync($"{Api}/bucket/{money.Id()}?fields=remainingValue");
        Assert.Equal(["@type", "href", "id", "remainingValue"], one.Select(pair => pair.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await customer.GetAsync($"{Api}/bucket/{money.Id()}?fields=secret")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await customer.GetAsync($"{Api}/topupBalance?product.id={line}&limit=0")).StatusCode);

        var listed = await customer.GetJsonArrayAsync($"{Api}/topupBalance?product.id={line}");
        Assert.Equal(first.Id(), Assert.Single(listed)!.Id());
        Assert.Equal(first.ToJsonString(), (await shop.Agent.GetJsonAsync($"{Api}/topupBalance/{first.Id()}")).ToJsonString());
        // The agent's free-text reason is staff's: the holder sees the top-up without it.
        var seen = await customer.GetJsonAsync($"{Api}/topupBalance/{first.Id()}");
        Assert.Equal(10m, seen["amount"]!["amount"]!.GetValue<decimal>());
        Assert.Null(seen["reason"]);

        // Another customer learns nothing of the line, and a holder credits no amount of their own.
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{Api}/bucket?product.id={line}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{Api}/bucket/{money.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{Api}/topupBalance/{first.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(stranger, TopUp(line, voucher: "AAAA-BBBB-CCCC-DDDD"), "s-1")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(customer, TopUp(line, amount: 5m), "c-1")).Status);
        Assert.Equal(9.985m, (await account.BalanceAsync())!.Credit);
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AVoucherCreditsOneLineOnceAndAPostpaidLineLeavesItUnused(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var prepaid = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("Dialtone Prepaid")))));
        var postpaid = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("5G Start 10 GB")))));
        var grains = shop.App.Services.GetRequiredService<IGrainFactory>();
        await EventuallyAsync(grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(prepaid)), balance => balance.Prepaid);
        await EventuallyAsync(grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(postpaid)), balance => !balance.Prepaid);

        using var admin = shop.App.Admin();
        var order = new JsonObject
        {
            ["count"] = 2,
            ["amount"] = new JsonObject { ["amount"] = 15, ["units"] = "EUR" },
            ["validFor"] = new JsonObject { ["endDateTime"] = "2027-06-30T00:00:00Z" },
        };
        var (issued, batch, _) = await PostAsync(admin, order, "batch-1", "/admin/voucherBatches");
        Assert.Equal(HttpStatusCode.Created, issued);
        var codes = batch!["codes"]!.AsArray().Select(code => code!.GetValue<string>()).ToList();
        Assert.Equal(2, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$", code));

        // A retried batch request (its answer lost) issues nothing new and answers the same codes; the same key with
        // another body is refused; another key is another batch.
        var (again, replayed, _) = await PostAsync(admin, order, "batch-1", "/admin/voucherBatches");
        Assert.Equal((HttpStatusCode.Created, batch["id"]!.GetValue<string>()), (again, replayed!["id"]!.GetValue<string>()));
        Assert.Equal(codes, replayed["codes"]!.AsArray().Select(code => code!.GetValue<string>()));
        order["count"] = 3;
        var (reusedBatchKey, reusedBatch, _) = await PostAsync(admin, order, "batch-1", "/admin/voucherBatches");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED"), (reusedBatchKey, reusedBatch!["code"]!.GetValue<string>()));
        var (_, other, _) = await PostAsync(admin, order, "batch-2", "/admin/voucherBatches");
        Assert.Equal(3, other!["codes"]!.AsArray().Select(code => code!.GetValue<string>()).Except(codes).Count());
        using (var keyless = await admin.PostAsync("/admin/voucherBatches", TmfHttp.Json(order)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, keyless.StatusCode);
        }

        var (refused, refusal, _) = await PostAsync(customer, TopUp(postpaid, voucher: codes[0]), "v-0");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Equal("NOT_PREPAID", refusal!["code"]!.GetValue<string>());

        // Typed the way people type: lower case, without dashes.
        var typed = codes[0].Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        var (status, topUp, _) = await PostAsync(customer, TopUp(prepaid, voucher: typed), "v-1");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(15m, topUp!["amount"]!["amount"]!.GetValue<decimal>());
        Assert.Equal("…" + codes[0][^4..], topUp["voucher"]!.GetValue<string>());
        Assert.Equal("selfService", topUp["channel"]!["name"]!.GetValue<string>());
        Assert.Equal(topUp.Id(), (await PostAsync(customer, TopUp(prepaid, voucher: typed), "v-1")).Body!.Id());

        // A key used for another top-up is refused before the voucher is touched: the voucher stays good.
        var (reused, reusedBody, _) = await PostAsync(customer, TopUp(prepaid, voucher: codes[1]), "v-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", reusedBody!["code"]!.GetValue<string>());

        // A voucher in another currency is refused and stays unused.
        var dollars = (await PostAsync(admin, new JsonObject
        {
            ["count"] = 1,
            ["amount"] = new JsonObject { ["amount"] = 5, ["units"] = "USD" },
            ["validFor"] = new JsonObject { ["endDateTime"] = "2027-06-30T00:00:00Z" },
        }, "batch-usd", "/admin/voucherBatches")).Body!["codes"]![0]!.GetValue<string>();
        var (foreign, foreignBody, _) = await PostAsync(customer, TopUp(prepaid, voucher: dollars), "v-usd");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, foreign);
        Assert.Equal("WRONG_CURRENCY", foreignBody!["code"]!.GetValue<string>());

        var (used, usedBody, _) = await PostAsync(shop.Agent, TopUp(prepaid, voucher: codes[0]), "v-2");
        Assert.Equal(HttpStatusCode.Conflict, used);
        Assert.Equal("VOUCHER_USED", usedBody!["code"]!.GetValue<string>());
        var (unknown, unknownBody, _) = await PostAsync(customer, TopUp(prepaid, voucher: "ZZZZ-ZZZZ-ZZZZ-ZZZZ"), "v-3");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown);
        Assert.Equal("VOUCHER_UNKNOWN", unknownBody!["code"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(shop.Agent, TopUp(prepaid, voucher: codes[1]), "v-4")).Status);
        Assert.Equal(30m, (await grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(prepaid)).BalanceAsync())!.Credit);

        // Demo mode issues the vouchers the README lists (the shop runs with demo data on).
        var (demo, demoTopUp, _) = await PostAsync(customer, TopUp(prepaid, voucher: "DEMO-TOPUP-0020"), "v-5");
        Assert.True(demo == HttpStatusCode.Created, $"{(int)demo}: {demoTopUp}");
        Assert.Equal(10m, demoTopUp!["amount"]!["amount"]!.GetValue<decimal>());
        Assert.Equal(40m, (await grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(prepaid)).BalanceAsync())!.Credit);
        Assert.Empty(shop.Problems);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task BadRequestsGetAClearErrorAndCreditNothing(TestDatabase database)
    {
        await using var shop = await Shop.OpenAsync(database);
        var (_, customer) = await shop.CustomerAsync();
        var line = Shop.ProductOf(await shop.OrderAndCompleteAsync(customer, Shop.Order(Shop.Add("1", await shop.OfferingIdAsync("Dialtone Prepaid")))));
        var account = shop.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(line));
        await EventuallyAsync(account, balance => balance.Prepaid);
        var agent = shop.Agent;

        async Task Refused(HttpStatusCode expected, string body, string? key = "bad", string mediaType = "application/json", string? code = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{Api}/topupBalance") { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType)) };
            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }

            using var response = await agent.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} for {body[..Math.Min(body.Length, 80)]}: {text}");
            var error = JsonNode.Parse(text)!;
            Assert.False(string.IsNullOrWhiteSpace(error["code"]?.GetValue<string>()) || string.IsNullOrWhiteSpace(error["reason"]?.GetValue<string>()), text);
            if (code is not null)
            {
                Assert.Equal(code, error["code"]!.GetValue<string>());
            }
        }

        var good = TopUp(line, amount: 5m).ToJsonString();
        await Refused(HttpStatusCode.BadRequest, "{\"product\": [", code: "MALFORMED_JSON");
        await Refused(HttpStatusCode.BadRequest, good, key: null, code: "IDEMPOTENCY_KEY_REQUIRED");
        await Refused(HttpStatusCode.BadRequest, "{\"amount\": {\"amount\": 5, \"units\": \"EUR\"}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"amount\": {{\"amount\": \"five\", \"units\": \"EUR\"}}}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"amount\": {{\"amount\": 5, \"units\": \"EUR\"}}, \"voucher\": \"AAAA-BBBB-CCCC-DDDD\"}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"amount\": {{\"amount\": -5, \"units\": \"EUR\"}}}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"amount\": {{\"amount\": 5.001, \"units\": \"EUR\"}}}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"amount\": {{\"amount\": 5000, \"units\": \"EUR\"}}}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"voucher\": \"short\"}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"amount\": {{\"amount\": 5}}}}");
        await Refused(HttpStatusCode.BadRequest, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"amount\": {{\"amount\": 5, \"units\": \"EUR\"}}, \"colour\": \"red\"}}");
        await Refused(HttpStatusCode.UnprocessableEntity, TopUp(line, amount: 5m, currency: "USD").ToJsonString(), code: "WRONG_CURRENCY");
        await Refused(HttpStatusCode.NotFound, TopUp("no-such-line", amount: 5m).ToJsonString());
        await Refused(HttpStatusCode.UnsupportedMediaType, good, mediaType: "text/plain");
        await Refused(HttpStatusCode.RequestEntityTooLarge, $"{{\"product\": [{{\"id\": \"{line}\"}}], \"reason\": \"{new string('x', 2_000_000)}\"}}");
        Assert.Equal(0m, (await account.BalanceAsync())!.Credit);

        Assert.Equal(HttpStatusCode.BadRequest, (await customer.GetAsync($"{Api}/bucket")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await customer.GetAsync($"{Api}/bucket?product.id={line}&status=active")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"{Api}/bucket/not-a-bucket")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"{Api}/topupBalance/{Guid.NewGuid():N}-t1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await shop.App.CreateClient().GetAsync($"{Api}/bucket?product.id={line}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(shop.App.Admin(), JsonNode.Parse("{\"count\": 0, \"amount\": {\"amount\": 5, \"units\": \"EUR\"}, \"validFor\": {\"endDateTime\": \"2027-01-01T00:00:00Z\"}}")!.AsObject(), "bad-0", "/admin/voucherBatches")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(shop.App.Admin(), JsonNode.Parse("{\"count\": 1}")!.AsObject(), "bad-1", "/admin/voucherBatches")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(shop.App.Admin(), JsonNode.Parse("{\"count\": 1, \"amount\": {\"amount\": 5}, \"validFor\": {}}")!.AsObject(), "bad-2", "/admin/voucherBatches")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(agent, JsonNode.Parse("{\"count\": 1, \"amount\": {\"amount\": 5, \"units\": \"EUR\"}, \"validFor\": {\"endDateTime\": \"2027-01-01T00:00:00Z\"}}")!.AsObject(), "forbidden", "/admin/voucherBatches")).Status);
        Assert.Empty(shop.Problems);
    }

    private static JsonObject Money(JsonArray buckets) => buckets.Single(b => b!["usageType"]!.GetValue<string>() == "monetary")!.AsObject();

    private static JsonObject TopUp(string productId, decimal? amount = null, string? voucher = null, string? reason = null, string currency = "EUR")
    {
        var body = new JsonObject { ["product"] = new JsonArray(new JsonObject { ["id"] = productId }) };
        if (amount is { } value)
        {
            body["amount"] = new JsonObject { ["amount"] = value, ["units"] = currency };
        }

        if (voucher is not null)
        {
            body["voucher"] = voucher;
        }

        if (reason is not null)
        {
            body["reason"] = reason;
        }

        return body;
    }

    private static async Task<(HttpStatusCode Status, JsonObject? Body, string? Location)> PostAsync(HttpClient client, JsonObject body, string key, string path = $"{Api}/topupBalance")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = TmfHttp.Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject(), response.Headers.Location?.ToString());
    }

    private static byte[] ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
