using System.Net;
using System.Text.Json.Nodes;
using Dialtone.Charging.Grains;
using Dialtone.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// TS 32.291 notifications to a session's consumer at its notifyUri (a real HTTP listener on 127.0.0.1): an add-on or a
/// top-up asks the open sessions to reauthorize, a bar aborts them; ended sessions hear nothing, a redelivered change
/// notifies nobody twice, and a consumer that failed once gets the notification on the next try.
/// </summary>
public sealed class Notifications(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private static int nextImsi = 800;

    private static string NewImsi() => $"0010100000{Interlocked.Increment(ref nextImsi):D5}";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnAddOnAsksOpenSessionsToReauthorizeAndABarAbortsThem(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 100);
        using var smf = Smf.Client(app);
        await using var open = await CallbackListener.StartAsync();
        await using var ended = await CallbackListener.StartAsync();

        var openRef = await CreateAsync(smf, imsi, open.Url, chargingId: 1);
        var endedRef = await CreateAsync(smf, imsi, ended.Url, chargingId: 2);
        var (released, _, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{endedRef}/release", Smf.Request(null, 2, requestMb: null));
        Assert.Equal(HttpStatusCode.NoContent, released);

        open.FailNext(1);
        var boost = new AccountChange("order-2/boost", AccountChangeKind.AddAllowances, "boost", app.Clock.GetUtcNow(),
            Allowances: [new AllowanceTerms("boost/dataAllowance", "addOn", "octet", 500 * Smf.Mb, [Smf.DataGroup], "home", "none", false, 5, null)]);
        await Smf.ChangeAsync(app, account, boost);
        await Smf.ChangeAsync(app, account, boost);
        var reauthorize = Assert.Single(await open.WaitForAsync(1));
        var body = JsonNode.Parse(reauthorize.Body)!;
        Assert.Equal("REAUTHORIZATION", body["notificationType"]!.GetValue<string>());
        Assert.Equal(Smf.DataGroup, body["reauthorizationDetails"]![0]!["ratingGroup"]!.GetValue<int>());
        Assert.Equal(2, open.Attempts);

        await Smf.ChangeAsync(app, account, new AccountChange("order-3/bar", AccountChangeKind.Suspend, "line", app.Clock.GetUtcNow()));
        var both = await open.WaitForAsync(2);
        var abort = JsonNode.Parse(both[^1].Body)!;
        Assert.Equal("ABORT_CHARGING", abort["notificationType"]!.GetValue<string>());
        Assert.Null(abort["reauthorizationDetails"]);

        // The bar's abort made the SMF release: its last report is rated, and nothing more is sent anywhere.
        var (final, _, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{openRef}/release", Smf.Request(null, 2, requestMb: null, used: 3 * Smf.Mb));
        Assert.Equal(HttpStatusCode.NoContent, final);
        await Task.Delay(300);
        Assert.Equal(2, open.Received.Count);
        Assert.Equal(0, ended.Attempts);
        Assert.Empty(app.Errors.Unexpected);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ATopUpAsksAPrepaidSessionThatRanDryToReauthorize(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 1, prepaid: true, credit: 0);
        using var smf = Smf.Client(app);
        await using var consumer = await CallbackListener.StartAsync();
        await CreateAsync(smf, imsi, consumer.Url, chargingId: 3);

        var grain = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IChargingAccountGrain>(account);
        var credited = await grain.TopUpAsync(new TopUpRequest("key-1", "body-1", 10m, "EUR", null, "test", "care", "user:agent-1"));
        Assert.Equal(TopUpOutcome.Credited, credited.Outcome);
        var notification = JsonNode.Parse(Assert.Single(await consumer.WaitForAsync(1)).Body)!;
        Assert.Equal("REAUTHORIZATION", notification["notificationType"]!.GetValue<string>());

        // The same top-up again credits nothing and notifies nobody.
        Assert.Equal(TopUpOutcome.Repeated, (await grain.TopUpAsync(new TopUpRequest("key-1", "body-1", 10m, "EUR", null, "test", "care", "user:agent-1"))).Outcome);
        await Task.Delay(300);
        Assert.Single(consumer.Received);
        Assert.Equal(10m, (await grain.BalanceAsync())!.Credit);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ANotificationGoesOnlyToAHostThatIsStillAllowedWhenItIsSent(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 100);
        using var smf = Smf.Client(app);
        await using var consumer = await CallbackListener.StartAsync();
        await CreateAsync(smf, imsi, consumer.Url, chargingId: 4);

        // The operator takes the consumer's host off the list (a configuration reload) while its session is open: the
        // add-on's REAUTHORIZATION is not sent to it, nor later.
        var configuration = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
        const string Allowed = "Dialtone:Charging:AllowedNotifyHosts:0";
        using var abandoned = new AbandonedNotifications();
        configuration[Allowed] = "smf.operator.example";
        configuration.Reload();
        try
        {
            await Smf.ChangeAsync(app, account, new AccountChange("order-2/boost", AccountChangeKind.AddAllowances, "boost", app.Clock.GetUtcNow(),
                Allowances: [new AllowanceTerms("boost/dataAllowance", "addOn", "octet", 500 * Smf.Mb, [Smf.DataGroup], "home", "none", false, 5, null)]));
            var refused = Smf.Request(imsi, 1, requestMb: 10, chargingId: 5);
            refused["notifyUri"] = consumer.Url;
            Assert.Equal(HttpStatusCode.BadRequest, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", refused)).Status);
            // Not back on the list before the notifier has given the REAUTHORIZATION up (it leaves through the outbox).
            await abandoned.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            configuration[Allowed] = "127.0.0.1";
            configuration.Reload();
        }

        // Back on the list, the next change reaches it: the only notification it ever got is this one (the bar's abort).
        await Smf.ChangeAsync(app, account, new AccountChange("order-3/bar", AccountChangeKind.Suspend, "line", app.Clock.GetUtcNow()));
        var heard = Assert.Single(await consumer.WaitForAsync(1));
        Assert.Equal("ABORT_CHARGING", JsonNode.Parse(heard.Body)!["notificationType"]!.GetValue<string>());
        await Task.Delay(300);
        Assert.Equal(1, consumer.Attempts);
    }

    /// <summary>Hears the notifier's "abandoned" counter (one meter for the process: any app's abandonment counts).</summary>
    private sealed class AbandonedNotifications : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener listener = new();
        private readonly TaskCompletionSource heard = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public AbandonedNotifications()
        {
            listener.InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Name == "dialtone.charging.notifications.abandoned")
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => heard.TrySetResult());
            listener.Start();
        }

        public Task WaitAsync(TimeSpan patience) => heard.Task.WaitAsync(patience);

        public void Dispose() => listener.Dispose();
    }

    private static async Task<string> CreateAsync(HttpClient smf, string imsi, string notifyUri, long chargingId)
    {
        var create = Smf.Request(imsi, 1, requestMb: 10, chargingId: chargingId);
        create["notifyUri"] = notifyUri;
        var (status, body, location) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", create);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {body}");
        return location!.Split('/')[^1];
    }
}
