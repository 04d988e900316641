using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Charging.Contracts;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Tests.Nchf;
using Dialtone.Charging.Usage;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Inventory.Contracts;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Dialtone.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Dialtone.Charging.Tests.Usage;

/// <summary>
/// TMF635 usage records: every update and release that used units becomes one rated record, written with the grain's
/// state (its outbox) and relayed into the usage documents once, readable by the line's owner and agents, never by
/// another customer.
/// </summary>
public sealed class RatedUsageRecords(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Api = "/tmf-api/usageManagement/v4/usage";
    private static int nextImsi = 500;

    private static string NewImsi() => $"0010100000{Interlocked.Increment(ref nextImsi):D5}";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ASessionsUsedUnitsBecomeRatedRecordsThatOnlyTheLinesOwnerAndAgentsSee(TestDatabase database)
    {
        var app = apps.For(database);
        var (productId, party) = await LineAsync(app);
        var imsi = NewImsi();
        await Smf.OpenAccountAsync(app, imsi, dataMb: 5, productId: productId);
        using var smf = Smf.Client(app);
        var reference = await Smf.CreateAsync(smf, imsi);
        var update = Smf.Request(null, 2, requestMb: 10, used: 3 * Smf.Mb);
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update)).Status);
        // A retransmission changes nothing, and an update without used units records nothing.
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 3, requestMb: 10))).Status);
        var release = Smf.Request(null, 4, requestMb: null, used: 4 * Smf.Mb, localSequence: 2);
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", release)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", release)).Status);
        await RelayedAsync(app);

        using var owner = Customer(app, party);
        var listed = await ListAsync(owner, $"{Api}?ratedProductUsage.productRef.id={productId}&sort=usageDate");
        Assert.Equal(2, listed.Count);
        var (first, second) = (listed[0]!.AsObject(), listed[1]!.AsObject());
        Assert.Equal(["data", "data"], listed.Select(u => u!["usageType"]!.GetValue<string>()));
        Assert.Equal(["rated", "rated"], listed.Select(u => u!["status"]!.GetValue<string>()));
        Assert.Equal((3 * Smf.Mb, 2L), (Characteristic<long>(first, "volume"), Characteristic<long>(first, "sequenceNumber")));
        Assert.Equal((4 * Smf.Mb, 4L), (Characteristic<long>(second, "volume"), Characteristic<long>(second, "sequenceNumber")));
        Assert.Equal(reference, Characteristic<string>(first, "chargingDataRef"));
        Assert.Equal(Smf.DataGroup, Characteristic<int>(first, "ratingGroup"));
        Assert.Equal("octet", Characteristic<string>(first, "unit"));
        Assert.Equal($"{Api}/{first["id"]!.GetValue<string>()}", new Uri(first["href"]!.GetValue<string>()).AbsolutePath);
        Assert.Equal(party, first["relatedParty"]![0]!["id"]!.GetValue<string>());

        // 3 MB from the 5 MB allowance; then 2 MB from it and 2 MB at 0.01 EUR/MB, billed later.
        var included = Assert.Single(first["ratedProductUsage"]!.AsArray())!;
        Assert.Equal(("included", productId, false), (included["usageRatingTag"]!.GetValue<string>(), included["productRef"]!["id"]!.GetValue<string>(), included["isBilled"]!.GetValue<bool>()));
        Assert.Equal(3 * Smf.Mb, Characteristic<long>(first, "includedUnits"));
        var rated = second["ratedProductUsage"]!.AsArray();
        Assert.Equal(["included", "overage"], rated.Select(r => r!["usageRatingTag"]!.GetValue<string>()));
        Assert.Equal(("EUR", 0.02m), (rated[1]!["taxExcludedRatingAmount"]!["unit"]!.GetValue<string>(), rated[1]!["taxExcludedRatingAmount"]!["value"]!.GetValue<decimal>()));
        Assert.Equal((2 * Smf.Mb, 2 * Smf.Mb), (Characteristic<long>(second, "includedUnits"), Characteristic<long>(second, "chargedUnits")));

        var id = first["id"]!.GetValue<string>();
        using (var one = await owner.GetAsync($"{Api}/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        }

        using var stranger = Customer(app, "party-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Empty(await ListAsync(stranger, $"{Api}?ratedProductUsage.productRef.id={productId}"));
        using (var hidden = await stranger.GetAsync($"{Api}/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        using var agent = app.ClientAs("agent-1", "agent");
        Assert.Equal(2, (await ListAsync(agent, $"{Api}?ratedProductUsage.productRef.id={productId}")).Count);

        var billing = await app.Services.GetRequiredService<IUsageRecords>().ListAsync(productId, app.Clock.GetUtcNow().AddDays(-1), app.Clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.Equal([3 * Smf.Mb, 4 * Smf.Mb], billing.Select(u => u.Units));
        Assert.Equal([3 * Smf.Mb, 2 * Smf.Mb], billing.Select(u => u.IncludedUnits));
        Assert.Equal([0m, 0.02m], billing.Select(u => u.Amount));
        Assert.All(billing, u => Assert.Equal(("data", "octet", "EUR", false), (u.UsageType, u.Unit, u.Currency, u.Prepaid)));
        Assert.Empty(await app.Services.GetRequiredService<IUsageRecords>().ListAsync(productId, app.Clock.GetUtcNow().AddDays(1), app.Clock.GetUtcNow().AddDays(2), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task TheHubsListenersHearOfEachRecordCreated(TestDatabase database)
    {
        // The relay publishes a UsageCreateEvent per record only while the TMF635 hub has a listener: this one must hear.
        var app = apps.For(database);
        var (productId, _) = await LineAsync(app);
        await using var listener = await CallbackListener.StartAsync();
        using var admin = app.Admin();
        await admin.PostJsonAsync("/tmf-api/usageManagement/v4/hub", new JsonObject { ["callback"] = listener.Url, ["query"] = "eventType=UsageCreateEvent" });
        var imsi = NewImsi();
        await Smf.OpenAccountAsync(app, imsi, dataMb: 5, productId: productId);
        using var smf = Smf.Client(app);
        var reference = await Smf.CreateAsync(smf, imsi);
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 2, requestMb: 10, used: Smf.Mb))).Status);
        await RelayedAsync(app);

        var heard = (await listener.WaitForAsync(1, TimeSpan.FromSeconds(60))).Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Contains(heard, e => e["eventType"]!.GetValue<string>() == "UsageCreateEvent"
            && e["event"]!["usage"]!["ratedProductUsage"]![0]!["productRef"]!["id"]!.GetValue<string>() == productId);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task TheSameRecordsDeliveredTwiceAreStoredOnceEach(TestDatabase database)
    {
        var app = apps.For(database);
        var (productId, party) = await LineAsync(app);
        var now = app.Clock.GetUtcNow();
        var entries = new[] { 1L, 2L }.Select(sequence => Entry(new UsageRecorded(
            $"{Guid.NewGuid():N}-1", sequence, Smf.DataGroup, productId, "octet", 1000 * sequence, "home", now, false, "EUR",
            [new UsageDebit($"{productId}/dataAllowance", 1000 * sequence)], null, 0, 0))).ToList();
        var relay = app.Services.GetServices<IGrainOutboxHandler>().Single(handler => handler.Kind == UsageRecorded.Kind);

        await relay.HandleAsync(entries, CancellationToken.None);
        await relay.HandleAsync(entries, CancellationToken.None);
        await relay.HandleAsync([entries[1], entries[1], entries[0]], CancellationToken.None);

        var records = await app.Services.GetRequiredService<IUsageRecords>().ListAsync(productId, now.AddHours(-1), now.AddHours(1), CancellationToken.None);
        Assert.Equal([1000L, 2000L], records.Select(r => r.Units).Order());
        using var owner = Customer(app, party);
        Assert.Equal(2, (await ListAsync(owner, $"{Api}?ratedProductUsage.productRef.id={productId}")).Count);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ARecordStoredUnderTheIdAnEarlierVersionGaveItIsNotStoredAgain(TestDatabase database)
    {
        // Relayed before an upgrade (name-based id), its outbox entry not yet removed, delivered again after it.
        var app = apps.For(database);
        var (productId, party) = await LineAsync(app);
        var now = app.Clock.GetUtcNow();
        var record = new UsageRecorded($"{Guid.NewGuid():N}-1", 1, Smf.DataGroup, productId, "octet", 1000, "home", now, false, "EUR",
            [new UsageDebit($"{productId}/dataAllowance", 1000)], null, 0, 0);
        var earlierId = UsageDocuments.NameBasedIdOf(record.Id);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<UsageDbContext>();
            await using var transaction = await db.BeginSerializedWriteAsync(CancellationToken.None);
            await UsageStore.InsertAsync(db, [(earlierId, new StoredUsage(record, [new InventoryParty(party, "owner", "Individual")]))], now, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var relay = app.Services.GetServices<IGrainOutboxHandler>().Single(handler => handler.Kind == UsageRecorded.Kind);
        await relay.HandleAsync([Entry(record)], CancellationToken.None);

        using var owner = Customer(app, party);
        var listed = Assert.Single(await ListAsync(owner, $"{Api}?ratedProductUsage.productRef.id={productId}"))!;
        Assert.Equal(earlierId, listed["id"]!.GetValue<string>());
    }

    [Fact]
    public void UsageIdsAreTheSameForEachDeliveryOfARecordAndFollowTheRatingTime()
    {
        var at = new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
        UsageRecorded Record(string reference, long sequence, DateTimeOffset when) =>
            new(reference, sequence, Smf.DataGroup, "product-1", "octet", 1000, "home", when, false, "EUR", [], null, 0, 0);

        var first = UsageDocuments.IdOf(Record("a-1", 1, at));
        Assert.Equal(first, UsageDocuments.IdOf(Record("a-1", 1, at)));
        Assert.True(Guid.TryParse(first, out _));
        Assert.Equal('8', first[14]);
        // Another record of the same millisecond differs; a record rated later sorts after, as text and as bytes.
        Assert.NotEqual(first, UsageDocuments.IdOf(Record("a-1", 2, at)));
        Assert.NotEqual(first, UsageDocuments.IdOf(Record("b-1", 1, at)));
        var later = UsageDocuments.IdOf(Record("0-1", 1, at.AddMilliseconds(1)));
        Assert.True(string.CompareOrdinal(first, later) < 0, $"{first} then {later}");
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(first.Replace("-", "", StringComparison.Ordinal)[..12], 16));
        Assert.NotEqual(UsageDocuments.NameBasedIdOf("a-1/1/10"), first);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task RecordsWrittenInBulkAreReadableByTheirOwnHostAndReachACachedListAtOnce(TestDatabase database)
    {
        // Two hosts in one process, each with its own keys (as two test apps are): the bulk writer must encrypt each host's
        // records with that host's key, whichever host wrote first. And a list read (cached) before a relay batch shows
        // the batch's records right after it, as for any write.
        var first = apps.For(database);
        await using var second = new DialtoneApp(database);
        foreach (var app in new[] { first, second })
        {
            var (productId, party) = await LineAsync(app);
            using var owner = Customer(app, party);
            Assert.Empty(await ListAsync(owner, $"{Api}?ratedProductUsage.productRef.id={productId}"));
            var now = app.Clock.GetUtcNow();
            var relay = app.Services.GetServices<IGrainOutboxHandler>().Single(handler => handler.Kind == UsageRecorded.Kind);
            await relay.HandleAsync([Entry(new UsageRecorded($"{Guid.NewGuid():N}-1", 1, Smf.DataGroup, productId, "octet", 1000, "home", now, false, "EUR",
                [new UsageDebit($"{productId}/dataAllowance", 1000)], null, 0, 0))], CancellationToken.None);

            var listed = Assert.Single(await ListAsync(owner, $"{Api}?ratedProductUsage.productRef.id={productId}"))!;
            using var one = await owner.GetAsync($"{Api}/{listed["id"]!.GetValue<string>()}");
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        }

        Assert.Empty(second.Errors.Unexpected);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task BadQueriesAndUnknownIdsAreClearClientErrorsAndTheApiIsReadOnly(TestDatabase database)
    {
        var app = apps.For(database);
        using var agent = app.ClientAs("agent-1", "agent");
        foreach (var query in new[] { "?nosuchAttribute=1", "?usageDate.gt=yesterday", "?limit=-1", "?sort=relatedParty.id" })
        {
            using var response = await agent.GetAsync(Api + query);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]);
        }

        using (var unknown = await agent.GetAsync($"{Api}/{Guid.NewGuid()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var post = await agent.PostAsync(Api, content);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnEntryNoHandlerTakesStaysInTheOutboxWithItsAttemptsCounted(TestDatabase database)
    {
        var app = apps.For(database);
        var storage = app.Services.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name);
        var state = new Orleans.GrainState<Storage.Tally>(new Storage.Tally { Value = 1 });
        var kind = "unknown-" + Guid.NewGuid().ToString("N")[..8];
        state.State!.Outbox.Add(new GrainOutboxEntry("x/1/1", kind, "{}", app.Clock.GetUtcNow()));
        await storage.WriteStateAsync("tally", Orleans.Runtime.GrainId.Create("test", kind), state);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var left = (await storage.Dialect.ReadOutboxAsync(1000, [], CancellationToken.None)).SingleOrDefault(s => s.Entry.Kind == kind);
            Assert.NotNull(left);
            if (left.Attempts >= 2)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the relay never tried the entry twice");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// The relay reads the lines' parties through inventory's contract, which keeps the products it read in memory (the
    /// relay asks for every active line a few times a second): a product changed since is read again, an unknown id is
    /// left out.
    /// </summary>
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ALineReadBeforeIsReadAgainOnceItChanged(TestDatabase database)
    {
        var app = apps.For(database);
        var inventory = app.Services.GetRequiredService<IProductInventory>();
        var (productId, party) = await LineAsync(app);
        var first = Assert.Single(await inventory.FindManyAsync([productId, "no-such-line"], CancellationToken.None));
        Assert.Equal(party, Assert.Single(first.RelatedParties).Id);
        Assert.Same(first, Assert.Single(await inventory.FindManyAsync([productId], CancellationToken.None)));

        await inventory.ApplyAsync(new InventoryChangeSet(
            "order-s-" + productId, "/tmf-api/productOrderingManagement/v4/productOrder/order-s-" + productId, "user:agent-1", app.Clock.GetUtcNow(),
            [new InventoryChange("1", "suspend", productId, null, null, null, null, null, null, null, null, null, null)]),
            CancellationToken.None);
        var after = Assert.Single(await inventory.FindManyAsync([productId], CancellationToken.None));
        Assert.Equal(ProductStatus.Suspended, after.Status);
        Assert.NotEqual(first.Status, after.Status);
        Assert.Same(after, Assert.Single(await inventory.FindManyAsync([productId], CancellationToken.None)));

        // Kept for five minutes at most (a line's erased personal data must not stay in the process): then read again.
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var later = Assert.Single(await inventory.FindManyAsync([productId], CancellationToken.None));
        Assert.NotSame(after, later);
        Assert.Equal((after.Id, after.Status, party), (later.Id, later.Status, Assert.Single(later.RelatedParties).Id));
    }

    /// <summary>A line in inventory owned by a new party, as a completed order leaves it.</summary>
    internal static async Task<(string ProductId, string Party)> LineAsync(DialtoneApp app)
    {
        var productId = "line-" + Guid.NewGuid().ToString("N")[..8];
        var party = "party-" + Guid.NewGuid().ToString("N")[..8];
        await app.Services.GetRequiredService<IProductInventory>().ApplyAsync(new InventoryChangeSet(
            "order-" + productId, "/tmf-api/productOrderingManagement/v4/productOrder/order-" + productId, "user:agent-1", app.Clock.GetUtcNow(),
            [new InventoryChange("1", "add", productId, "Mobile line", null, null, null, null, null, [new InventoryParty(party, "customer", "Individual")], null, null, null)]),
            CancellationToken.None);
        return (productId, party);
    }

    /// <summary>Waits until the relay has emptied the grain outbox.</summary>
    internal static async Task RelayedAsync(DialtoneApp app)
    {
        var storage = app.Services.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await storage.Dialect.ReadOutboxAsync(1000, [], CancellationToken.None)).Any(s => s.Entry.Kind == UsageRecorded.Kind))
        {
            Assert.True(DateTime.UtcNow < deadline, "the usage records were never relayed");
            await Task.Delay(20);
        }
    }

    internal static HttpClient Customer(DialtoneApp app, string party)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", $"user-{party}:customer:{party}");
        return client;
    }

    internal static async Task<JsonArray> ListAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    private static T Characteristic<T>(JsonObject usage, string name) =>
        usage["usageCharacteristic"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!["value"]!.GetValue<T>();

    internal static GrainOutboxEntry Entry(UsageRecorded record) =>
        new(record.Id, UsageRecorded.Kind, JsonSerializer.Serialize(record, UsageRecorded.Json), record.UsageDate);
}
