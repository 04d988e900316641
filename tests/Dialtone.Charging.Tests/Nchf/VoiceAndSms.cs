using System.Net;
using System.Text.Json.Nodes;
using Dialtone.Testing;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// Calls and short messages over Nchf (TS 32.291): a call is an IMS session counted in seconds (rating group 20), an SMS
/// an event (rating group 30), charged in a session or as a one-time event (IEC debits at once, PEC rates what was sent).
/// </summary>
public sealed class VoiceAndSms(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private static int nextImsi = 500;

    private static string NewImsi() => $"0010100000{Interlocked.Increment(ref nextImsi):D5}";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ACallIsChargedInSecondsFromTheMinutesThenPerStartedMinute(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 1, voiceSeconds: 100);
        using var ims = Smf.Client(app);

        var create = Smf.Header(1, imsi);
        create["iMSChargingInformation"] = new JsonObject { ["imsChargingIdentifier"] = "icid-7f3a", ["roleOfNode"] = "ORIGINATING_ROLE" };
        create["multipleUnitUsage"] = new JsonArray(new JsonObject { ["ratingGroup"] = Smf.VoiceGroup, ["requestedUnit"] = new JsonObject { ["time"] = 300 } });
        var (status, created, location) = await Smf.PostAsync(ims, $"{Smf.Api}/chargingdata", create);
        Assert.Equal(HttpStatusCode.Created, status);
        var unit = created!["multipleUnitInformation"]![0]!;
        Assert.Equal(300, unit["grantedUnit"]!["time"]!.GetValue<long>());
        Assert.Null(unit["grantedUnit"]!["totalVolume"]);
        Assert.Equal(60, unit["timeQuotaThreshold"]!.GetValue<long>());

        var reference = location!.Split('/')[^1];
        var update = Smf.Header(2);
        update["multipleUnitUsage"] = new JsonArray(new JsonObject
        {
            ["ratingGroup"] = Smf.VoiceGroup, ["requestedUnit"] = new JsonObject { ["time"] = 300 },
            ["usedUnitContainer"] = new JsonArray(new JsonObject { ["localSequenceNumber"] = 1, ["time"] = 125 }),
        });
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(ims, $"{Smf.Api}/chargingdata/{reference}/update", update)).Status);
        var release = Smf.Header(3);
        release["multipleUnitUsage"] = new JsonArray(new JsonObject
        {
            ["ratingGroup"] = Smf.VoiceGroup, ["usedUnitContainer"] = new JsonArray(new JsonObject { ["localSequenceNumber"] = 2, ["time"] = 10 }),
        });
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(ims, $"{Smf.Api}/chargingdata/{reference}/release", release)).Status);

        // 135 s: the 100 s allowance, then 35 s beyond it, one started minute at 0.09.
        var balance = (await Smf.BalanceAsync(app, account))!;
        Assert.Equal(100, balance.Buckets.Single(b => b.Unit == "second").Used);
        Assert.Equal(0.09m, balance.Unbilled);
        Assert.Equal(0, balance.Buckets.Single(b => b.Unit == "octet").Used);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnSmsIsDebitedOnceAsAnImmediateOrAPostEvent(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 1, sms: 2);
        using var smsf = Smf.Client(app);

        var immediate = Smf.Header(1, imsi);
        immediate["oneTimeEvent"] = true;
        immediate["oneTimeEventType"] = "IEC";
        immediate["chargingId"] = 9001;
        immediate["sMSChargingInformation"] = new JsonObject { ["numberofMessagesSent"] = 1 };
        immediate["multipleUnitUsage"] = new JsonArray(new JsonObject { ["ratingGroup"] = Smf.SmsGroup, ["requestedUnit"] = new JsonObject { ["serviceSpecificUnits"] = 1 } });
        var (status, answer, _) = await Smf.PostAsync(smsf, $"{Smf.Api}/chargingdata", immediate);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, answer!["multipleUnitInformation"]![0]!["grantedUnit"]!["serviceSpecificUnits"]!.GetValue<long>());
        immediate["retransmissionIndicator"] = true;
        var (_, again, _) = await Smf.PostAsync(smsf, $"{Smf.Api}/chargingdata", immediate);
        Assert.Equal(answer.ToJsonString(), again!.ToJsonString());
        var afterImmediate = (await Smf.BalanceAsync(app, account))!;
        Assert.Equal(1, afterImmediate.Buckets.Single(b => b.Unit == "event").Used);
        Assert.Equal(0, afterImmediate.Buckets.Single(b => b.Unit == "event").Held);
        Assert.Equal(0, afterImmediate.OpenSessions);

        // Post event charging: two messages were sent; the allowance has one left, the other costs 0.09.
        var post = Smf.Header(1, imsi);
        post["oneTimeEvent"] = true;
        post["oneTimeEventType"] = "PEC";
        post["chargingId"] = 9002;
        post["sMSChargingInformation"] = new JsonObject { ["numberofMessagesSent"] = 2 };
        post["multipleUnitUsage"] = new JsonArray(new JsonObject
        {
            ["ratingGroup"] = Smf.SmsGroup, ["usedUnitContainer"] = new JsonArray(new JsonObject { ["localSequenceNumber"] = 1, ["serviceSpecificUnits"] = 2 }),
        });
        Assert.Equal(HttpStatusCode.Created, (await Smf.PostAsync(smsf, $"{Smf.Api}/chargingdata", post)).Status);
        var afterPost = (await Smf.BalanceAsync(app, account))!;
        Assert.Equal(2, afterPost.Buckets.Single(b => b.Unit == "event").Used);
        Assert.Equal(0.09m, afterPost.Unbilled);
        Assert.Equal(0, afterPost.OpenSessions);
    }

    [Fact]
    public async Task AServiceIsNamedOnceAndEachNamesWhatIdentifiesIt()
    {
        var app = apps.For(TestDatabase.Sqlite);
        using var smf = Smf.Client(app);
        var imsi = NewImsi();

        var both = Smf.Request(imsi, 1);
        both["sMSChargingInformation"] = new JsonObject();
        await RefusedAsync(smf, both, "MANDATORY_IE_INCORRECT", "/");

        var call = Smf.Header(1, imsi);
        call["iMSChargingInformation"] = new JsonObject();
        await RefusedAsync(smf, call, "MANDATORY_IE_MISSING", "/iMSChargingInformation/imsChargingIdentifier");

        var sms = Smf.Header(1, imsi);
        sms["sMSChargingInformation"] = new JsonObject();
        sms["oneTimeEvent"] = true;
        await RefusedAsync(smf, sms, "MANDATORY_IE_MISSING", "/oneTimeEventType");
        sms["oneTimeEventType"] = "NOW";
        await RefusedAsync(smf, sms, "MANDATORY_IE_INCORRECT", "/oneTimeEventType");

        // A data session's update that reports a call's seconds does not fit the session: refused, nothing charged.
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 10, voiceSeconds: 600);
        var reference = await Smf.CreateAsync(smf, imsi);
        var update = Smf.Header(2);
        update["iMSChargingInformation"] = new JsonObject { ["imsChargingIdentifier"] = "icid-1" };
        update["multipleUnitUsage"] = new JsonArray(new JsonObject
        {
            ["ratingGroup"] = Smf.VoiceGroup, ["usedUnitContainer"] = new JsonArray(new JsonObject { ["localSequenceNumber"] = 1, ["time"] = 30 }),
        });
        var (status, problem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("CHARGING_FAILED", problem!["cause"]!.GetValue<string>());
        Assert.All((await Smf.BalanceAsync(app, account))!.Buckets, bucket => Assert.Equal(0, bucket.Used));
    }

    private static async Task RefusedAsync(HttpClient client, JsonObject body, string cause, string field)
    {
        var (status, problem, _) = await Smf.PostAsync(client, $"{Smf.Api}/chargingdata", body);
        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {problem}");
        Assert.Equal(cause, problem!["cause"]!.GetValue<string>());
        Assert.Equal(field, problem["invalidParams"]![0]!["param"]!.GetValue<string>());
    }
}
