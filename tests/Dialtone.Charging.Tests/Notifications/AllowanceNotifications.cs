using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Charging.Contracts;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Notifications;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Tests.Nchf;
using Dialtone.Charging.Tests.Usage;
using Dialtone.Identity.Contracts;
using Dialtone.Platform.PersonalData;
using Dialtone.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Wolverine;
using Wolverine.Tracking;

namespace Dialtone.Charging.Tests.Notifications;

/// <summary>
/// 80 % and 100 % of an allowance (issue 5): each crossing is written with the grain's state, published once as
/// <see cref="AllowanceThresholdReached"/>, listed for the line's parties at <c>/selfservice/me/notifications</c> and
/// mailed to their logins; never to another customer, never twice, whatever is retransmitted or redelivered.
/// </summary>
public sealed class AllowanceNotifications(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Api = "/selfservice/me/notifications";
    private static int nextImsi = 700;

    private static string NewImsi() => $"0010100000{Interlocked.Increment(ref nextImsi):D5}";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ALineReaching80Then100PercentNotifiesItsHolderTwiceAndMailsThemAndNobodyElse(TestDatabase database)
    {
        var app = apps.For(database);
        var (productId, party) = await RatedUsageRecords.LineAsync(app);
        var email = await LoginAsync(app, party);
        var (otherProduct, otherParty) = await RatedUsageRecords.LineAsync(app);
        var otherEmail = await LoginAsync(app, otherParty);
        var imsi = NewImsi();
        var otherImsi = NewImsi();
        await Smf.OpenAccountAsync(app, imsi, dataMb: 10, productId: productId);
        await Smf.OpenAccountAsync(app, otherImsi, dataMb: 10, productId: otherProduct);
        using var smf = Smf.Client(app);

        // 8 of 10 MB (80 %), the same report again, then 2 MB more (100 %) and its retransmission.
        var reference = await Smf.CreateAsync(smf, imsi);
        var update = Smf.Request(null, 2, requestMb: 10, used: 8 * Smf.Mb);
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update)).Status);
        var release = Smf.Request(null, 3, requestMb: null, used: 2 * Smf.Mb, localSequence: 2);
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", release)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", release)).Status);
        // The other customer's line uses 7 of 10 MB: below every threshold.
        var other = await Smf.CreateAsync(smf, otherImsi);
        Assert.Equal(HttpStatusCode.NoContent,
            (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{other}/release", Smf.Request(null, 2, requestMb: null, used: 7 * Smf.Mb))).Status);

        using var holder = Customer(app, party);
        var notices = await EventuallyAsync(() => ListAsync(holder, Api), list => list.Count >= 2);
        var mails = await EventuallyAsync(() => AllowanceMailsAsync(app, email), list => list.Count >= 2);
        await OutboxEmptiedAsync(app);

        notices = await ListAsync(holder, Api);
        Assert.Equal([100, 80], notices.Select(n => n!["percent"]!.GetValue<int>()));
        var full = notices[0]!.AsObject();
        Assert.Equal(("allowanceThreshold", productId, $"{productId}/dataAllowance"),
            (full["type"]!.GetValue<string>(), full["product"]!["id"]!.GetValue<string>(), full["allowance"]!["bucketId"]!.GetValue<string>()));
        Assert.Equal(("dataAllowance", "plan", "octet", 10 * Smf.Mb, 10 * Smf.Mb),
            (full["allowance"]!["name"]!.GetValue<string>(), full["allowance"]!["kind"]!.GetValue<string>(), full["allowance"]!["unit"]!.GetValue<string>(),
                full["allowance"]!["used"]!.GetValue<long>(), full["allowance"]!["amount"]!.GetValue<long>()));
        Assert.Equal(8 * Smf.Mb, notices[1]!["allowance"]!["used"]!.GetValue<long>());
        Assert.Contains("80 % of your data allowance (8 MB of 10 MB)", notices[1]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("Z", full["reachedAt"]!.GetValue<string>(), StringComparison.Ordinal);

        mails = await AllowanceMailsAsync(app, email);
        Assert.Equal(2, mails.Count);
        Assert.Contains(mails, mail => mail!["subject"]!.GetValue<string>() == "80 % of your data allowance used");
        Assert.Contains(mails, mail => mail!["subject"]!.GetValue<string>() == "Your data allowance is used up");
        Assert.All(mails, mail => Assert.DoesNotContain(imsi, mail!["body"]!.GetValue<string>(), StringComparison.Ordinal));

        using var stranger = Customer(app, otherParty);
        Assert.Empty(await ListAsync(stranger, Api));
        Assert.Empty(await AllowanceMailsAsync(app, otherEmail));
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(imsi, StringComparison.Ordinal) || line.Contains(email, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task TheSameCrossingRelayedAndDeliveredTwiceNotifiesAndMailsOnce(TestDatabase database)
    {
        var app = apps.For(database);
        var (productId, party) = await RatedUsageRecords.LineAsync(app);
        var email = await LoginAsync(app, party);
        var now = app.Clock.GetUtcNow();
        var entries = new[] { 80, 100 }.Select(percent => Entry(new AllowanceThresholdCrossed(
            $"{Guid.NewGuid():N}-1", percent / 20, productId, $"{productId}/voiceAllowance", "plan", "second", percent, 6 * percent, 600, now))).ToList();
        var relay = app.Services.GetServices<IGrainOutboxHandler>().Single(handler => handler.Kind == AllowanceThresholdCrossed.Kind);
        var host = app.Services.GetRequiredService<IHost>();

        await host.ExecuteAndWaitAsync(() => relay.HandleAsync(entries, CancellationToken.None), timeoutInMilliseconds: 30_000);
        await host.ExecuteAndWaitAsync(() => relay.HandleAsync([entries[1], entries[0], entries[1]], CancellationToken.None), timeoutInMilliseconds: 30_000);
        var again = new AllowanceThresholdReached(entries[0].Id, productId, [new AllowanceParty(party, "customer"), new AllowanceParty(party, "user")],
            $"{productId}/voiceAllowance", "voiceAllowance", "plan", "second", 80, 480, 600, now);
        await host.InvokeMessageAndWaitAsync(again, timeoutInMilliseconds: 30_000);

        using var holder = Customer(app, party);
        var notices = await ListAsync(holder, Api);
        Assert.Equal([100, 80], notices.Select(n => n!["percent"]!.GetValue<int>()));
        Assert.Contains("80 % of your voice allowance (8 min of 10 min)", notices[1]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, (await AllowanceMailsAsync(app, email)).Count);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ThePersonsNoticesAreInTheirGdprExportAndGoWithTheirErasure(TestDatabase database)
    {
        var app = apps.For(database);
        var (productId, party) = await RatedUsageRecords.LineAsync(app);
        var (_, otherParty) = await RatedUsageRecords.LineAsync(app);
        var now = app.Clock.GetUtcNow();
        await using var busScope = app.Services.CreateAsyncScope();
        var bus = busScope.ServiceProvider.GetRequiredService<IMessageBus>();
        foreach (var (who, percent) in new[] { (party, 80), (party, 100), (otherParty, 80) })
        {
            await bus.InvokeAsync(new AllowanceThresholdReached($"gdpr-{who}/{percent}", productId, [new AllowanceParty(who, "customer")],
                $"{productId}/smsAllowance", "smsAllowance", "plan", "event", percent, percent, 100, now));
        }

        using var holder = Customer(app, party);
        var export = await holder.GetJsonAsync("/selfservice/me/export");
        var exported = export["modules"]!["usage"]!["notifications"]!.AsArray();
        Assert.Equal([80, 100], exported.Select(n => n!["percent"]!.GetValue<int>()));
        Assert.All(exported, n => Assert.Equal(productId, n!["product"]!["id"]!.GetValue<string>()));

        // The erasure step of the usage module (the endpoint's order and blockers are GdprAndAudit's): her notices go, another's stay.
        using (var scope = app.Services.CreateScope())
        {
            var usage = scope.ServiceProvider.GetServices<IPersonalDataHolder>().Single(h => h.Module == "usage");
            Assert.Empty(await usage.ErasureBlockersAsync(new DataSubject(party, $"user-{party}"), CancellationToken.None));
            await usage.EraseAsync(new DataSubject(party, $"user-{party}"), null!, CancellationToken.None);
        }

        Assert.Empty(await ListAsync(holder, Api));
        using var other = Customer(app, otherParty);
        Assert.Single(await ListAsync(other, Api));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task NotificationsArePagedNewestFirstAndBadRequestsAreClearClientErrors(TestDatabase database)
    {
        var app = apps.For(database);
        var (productId, party) = await RatedUsageRecords.LineAsync(app);
        var now = app.Clock.GetUtcNow();
        await using var busScope = app.Services.CreateAsyncScope();
        var bus = busScope.ServiceProvider.GetRequiredService<IMessageBus>();
        for (var i = 0; i < 3; i++)
        {
            await bus.InvokeAsync(new AllowanceThresholdReached($"ref-{party}/{i}/{productId}/smsAllowance/80", productId, [new AllowanceParty(party, "customer")],
                $"{productId}/smsAllowance", "smsAllowance", "plan", "event", 80, 80, 100, now.AddMinutes(i)));
        }

        using var holder = Customer(app, party);
        using (var page = await holder.GetAsync($"{Api}?offset=1&limit=1"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, page.StatusCode);
            Assert.Equal(("3", "1"), (page.Headers.GetValues("X-Total-Count").Single(), page.Headers.GetValues("X-Result-Count").Single()));
            var only = Assert.Single(JsonNode.Parse(await page.Content.ReadAsStringAsync())!.AsArray())!;
            Assert.Equal(now.AddMinutes(1), only["reachedAt"]!.GetValue<DateTimeOffset>());
        }

        var all = await ListAsync(holder, Api);
        Assert.Equal([now.AddMinutes(2), now.AddMinutes(1), now], all.Select(n => n!["reachedAt"]!.GetValue<DateTimeOffset>()));

        foreach (var query in new[] { "?limit=0", "?limit=1001", "?offset=-1", "?offset=first", "?limit=1&limit=2", "?partyId=someone" })
        {
            using var response = await holder.GetAsync(Api + query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
            Assert.NotNull(JsonNode.Parse(text)!["reason"]);
        }

        using var agent = app.ClientAs("agent-1", "agent");
        using (var forbidden = await agent.GetAsync(Api))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using var anonymous = app.CreateClient();
        using (var unauthorized = await anonymous.GetAsync(Api))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }
    }

    /// <summary>A confirmed customer login for <paramref name="party"/>, as a sign-up leaves it; returns its email.</summary>
    private static async Task<string> LoginAsync(DialtoneApp app, string party)
    {
        var email = $"{party}@example.test";
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<ISubscriberAccounts>();
        var registered = Assert.IsType<SubscriberRegistration.Registered>(await accounts.RegisterAsync(email, "a long enough passphrase", party, CancellationToken.None));
        await accounts.ConfirmWithoutCodeAsync(registered.UserId, CancellationToken.None);
        return email;
    }

    private static async Task<JsonArray> AllowanceMailsAsync(DialtoneApp app, string email)
    {
        using var admin = app.Admin();
        var mails = await ListAsync(admin, $"/admin/mail?to={Uri.EscapeDataString(email)}");
        return [.. mails.Where(mail => mail!["subject"]!.GetValue<string>().Contains("allowance", StringComparison.Ordinal)).Select(mail => mail!.DeepClone())];
    }

    private static async Task OutboxEmptiedAsync(DialtoneApp app)
    {
        var storage = app.Services.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await storage.Dialect.ReadOutboxAsync(1000, [], CancellationToken.None)).Any(s => s.Entry.Kind == AllowanceThresholdCrossed.Kind))
        {
            Assert.True(DateTime.UtcNow < deadline, "the threshold crossings were never relayed");
            await Task.Delay(20);
        }
    }

    private static async Task<JsonArray> EventuallyAsync(Func<Task<JsonArray>> read, Func<JsonArray, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var list = await read();
            if (done(list))
            {
                return list;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {list.Count}: {list.ToJsonString()}");
            await Task.Delay(25);
        }
    }

    private static HttpClient Customer(DialtoneApp app, string party)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", $"user-{party}:customer:{party}");
        return client;
    }

    private static async Task<JsonArray> ListAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    private static GrainOutboxEntry Entry(AllowanceThresholdCrossed crossed) =>
        new(crossed.Id, AllowanceThresholdCrossed.Kind, JsonSerializer.Serialize(crossed, AllowanceThresholdCrossed.Json), crossed.At);
}
