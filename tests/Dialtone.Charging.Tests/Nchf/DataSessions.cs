using System.Net;
using System.Text.Json.Nodes;
using Dialtone.Charging.Grains;
using Dialtone.Testing;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// A PDU session's charging over Nchf_ConvergedCharging v3 (TS 32.291): create grants quota, updates report used units
/// and ask for more, release settles; every acknowledged report is in the account at once, and a retransmission gets
/// the first answer and changes nothing.
/// </summary>
public sealed class DataSessions(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private static int nextImsi = 100;

    private static string NewImsi() => $"0010100000{Interlocked.Increment(ref nextImsi):D5}";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ASessionIsGrantedChargedAndReleasedAndEveryAnswerFollowsTheSpec(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 100);
        using var smf = Smf.Client(app);

        var (status, created, location) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request(imsi, 1, requestMb: 10));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.NotNull(location);
        Assert.Matches($"{Smf.Api}/chargingdata/[0-9a-f]{{32}}-1$", location);
        var reference = location!.Split('/')[^1];
        Assert.Equal(1, created!["invocationSequenceNumber"]!.GetValue<long>());
        Assert.NotNull(created["invocationTimeStamp"]);
        Assert.Equal("CONTINUE", created["invocationResult"]!["failureHandling"]!.GetValue<string>());
        Assert.Equal("FAILOVER_SUPPORTED", created["sessionFailover"]!.GetValue<string>());
        var unit = created["multipleUnitInformation"]![0]!;
        Assert.Equal("SUCCESS", unit["resultCode"]!.GetValue<string>());
        Assert.Equal(Smf.DataGroup, unit["ratingGroup"]!.GetValue<int>());
        Assert.Equal(10 * Smf.Mb, unit["grantedUnit"]!["totalVolume"]!.GetValue<long>());
        Assert.Equal(3600, unit["validityTime"]!.GetValue<long>());
        Assert.Equal(300, unit["quotaHoldingTime"]!.GetValue<long>());
        Assert.Equal(2 * Smf.Mb, unit["volumeQuotaThreshold"]!.GetValue<long>());
        Assert.Null(unit["finalUnitIndication"]);

        var held = await Smf.BalanceAsync(app, account);
        Assert.Equal(10 * Smf.Mb, Assert.Single(held!.Buckets).Held);

        var (updated, update, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 2, requestMb: 10, used: 3_500_000));
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal(2, update!["invocationSequenceNumber"]!.GetValue<long>());
        Assert.Equal(10 * Smf.Mb, Smf.Granted(update));
        var afterUpdate = Assert.Single((await Smf.BalanceAsync(app, account))!.Buckets);
        Assert.Equal(3_500_000, afterUpdate.Used);
        Assert.Equal(10 * Smf.Mb, afterUpdate.Held);

        var (released, releaseBody, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 3, requestMb: null, used: 1_000_000, localSequence: 2));
        Assert.Equal(HttpStatusCode.NoContent, released);
        Assert.Null(releaseBody);
        var end = await Smf.BalanceAsync(app, account);
        var bucket = Assert.Single(end!.Buckets);
        Assert.Equal(4_500_000, bucket.Used);
        Assert.Equal(0, bucket.Held);
        Assert.Equal(0, end.OpenSessions);
        Assert.Equal(0m, end.Unbilled);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ARetransmissionGetsTheFirstAnswerAndIsChargedOnce(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 100);
        using var smf = Smf.Client(app);

        var create = Smf.Request(imsi, 7, requestMb: 10, chargingId: 99);
        var (_, first, location) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", create);
        create["retransmissionIndicator"] = true;
        var (again, second, secondLocation) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", create);
        Assert.Equal(HttpStatusCode.Created, again);
        Assert.Equal(location, secondLocation);
        Assert.Equal(first!.ToJsonString(), second!.ToJsonString());
        Assert.Equal(1, (await Smf.BalanceAsync(app, account))!.OpenSessions);

        var reference = location!.Split('/')[^1];
        var update = Smf.Request(null, 8, requestMb: 10, used: 2 * Smf.Mb);
        var (_, answered, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update);
        // The same request under the same sequence number, with or without the retransmission flag: the first answer.
        var (_, repeated, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update);
        update["retransmissionIndicator"] = true;
        var (_, flagged, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update);
        Assert.Equal(answered!.ToJsonString(), repeated!.ToJsonString());
        Assert.Equal(answered.ToJsonString(), flagged!.ToJsonString());
        // Another request under a number already answered is not a retransmission: refused, nothing charged.
        var changed = Smf.Request(null, 8, requestMb: 10, used: 5 * Smf.Mb);
        var (conflict, conflictProblem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", changed);
        Assert.Equal(HttpStatusCode.BadRequest, conflict);
        Assert.Equal("CHARGING_FAILED", conflictProblem!["cause"]!.GetValue<string>());
        var releaseUnderUpdate = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 8, requestMb: null, used: Smf.Mb, localSequence: 2));
        Assert.Equal(HttpStatusCode.BadRequest, releaseUnderUpdate.Status);
        Assert.Equal(2 * Smf.Mb, Assert.Single((await Smf.BalanceAsync(app, account))!.Buckets).Used);

        // A container already settled is not debited again, even in a new request.
        var (_, _, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 9, requestMb: 10, used: 2 * Smf.Mb, localSequence: 1));
        Assert.Equal(2 * Smf.Mb, Assert.Single((await Smf.BalanceAsync(app, account))!.Buckets).Used);

        // An older sequence number than the last answered is refused: only the last answer is kept.
        var (old, oldBody, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 8, requestMb: 10, used: Smf.Mb, localSequence: 5));
        Assert.Equal(HttpStatusCode.BadRequest, old);
        Assert.Equal("CHARGING_FAILED", oldBody!["cause"]!.GetValue<string>());

        var release = Smf.Request(null, 10, requestMb: null, used: Smf.Mb, localSequence: 2);
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", release)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", release)).Status);
        // A release the SMF numbered anew after the session ended still gets 204 (the tombstone); an update is unknown.
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 11, requestMb: null))).Status);
        var (late, lateBody, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 12, requestMb: 10));
        Assert.Equal(HttpStatusCode.NotFound, late);
        Assert.Equal("CONTEXT_NOT_FOUND", lateBody!["cause"]!.GetValue<string>());
        Assert.Equal(3 * Smf.Mb, Assert.Single((await Smf.BalanceAsync(app, account))!.Buckets).Used);

        // The tombstone is kept for the retention (10 min), then dropped with the account's next write: the ref is unknown.
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await Smf.CreateAsync(smf, imsi, chargingId: 100);
        var (gone, goneBody, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 13, requestMb: null));
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal("CONTEXT_NOT_FOUND", goneBody!["cause"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task UsageBeyondTheAllowanceIsGrantedOnlyAsFarAsItGoesAndOverageIsRatedNeverDropped(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        // Prepaid: 5 MB allowance, 0.02 EUR credit at 0.01 EUR/MB: 2 MB more from money.
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 5, prepaid: true, credit: 0.02m);
        using var smf = Smf.Client(app);

        var (_, created, location) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request(imsi, 1, requestMb: 10));
        Assert.Equal(7 * Smf.Mb, Smf.Granted(created!));
        Assert.Equal("TERMINATE", created!["multipleUnitInformation"]![0]!["finalUnitIndication"]!["finalUnitAction"]!.GetValue<string>());
        Assert.Equal("RETRY_AND_TERMINATE", created["invocationResult"]!["failureHandling"]!.GetValue<string>());

        // Traffic flowed past the grant before the final-unit action bit: 8 MB used, 7 granted.
        var reference = location!.Split('/')[^1];
        var (_, next, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 2, requestMb: 10, used: 8 * Smf.Mb));
        Assert.Equal("QUOTA_LIMIT_REACHED", Smf.ResultCode(next!));
        Assert.Equal(0, Smf.Granted(next!));
        var balance = await Smf.BalanceAsync(app, account);
        Assert.Equal(5 * Smf.Mb, Assert.Single(balance!.Buckets).Used);
        Assert.Equal(0m, balance.Credit);
        Assert.Equal(0.01m, balance.Debt);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task APlanChangeReplacesThePlansAllowancesKeepsAddOnsTheCycleAndWhatIsOwed(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        // Postpaid, 100 MB at 0.01 EUR/MB beyond; a 20 MB add-on.
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 100);
        var before = (await Smf.BalanceAsync(app, account))!;
        var plan = before.Buckets.Single().Id;
        var productId = plan.Split('/')[0];
        await Smf.ChangeAsync(app, account, new AccountChange("order-2/boost", AccountChangeKind.AddAllowances, "boost", app.Clock.GetUtcNow(),
            Allowances: [new AllowanceTerms("boost/dataAllowance", "addOn", "octet", 20 * Smf.Mb, [Smf.DataGroup], "EU", "none", false, 30, null)]));
        using var smf = Smf.Client(app);
        var reference = await Smf.CreateAsync(smf, imsi, requestMb: 10);
        // 150 MB used: 20 from the add-on, 100 from the plan, 30 MB billed (0.30 EUR unbilled).
        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 2, requestMb: 10, used: 150 * Smf.Mb))).Status);

        // The new plan is prepaid with 60 MB: the plan bucket's used units count against the new amount, the add-on
        // stays, the bill cycle stays, and the unbilled 0.30 EUR becomes prepaid debt.
        await Smf.ChangeAsync(app, account, new AccountChange("order-3/plan", AccountChangeKind.ChangePlan, productId, app.Clock.GetUtcNow().AddDays(9),
            new AccountTerms(true, "EUR", 27, null, 0, [new PriceTerms("prepaid-data", [Smf.DataGroup], "EUR", "1 MB", [new TierTerms(0, null, 0.005m)])], "offering-b"),
            [new AllowanceTerms(plan, "plan", "octet", 60 * Smf.Mb, [Smf.DataGroup], "home", "billingCycle", false, 10, null)]));
        var after = (await Smf.BalanceAsync(app, account))!;
        Assert.True(after.Prepaid);
        Assert.Equal(60 * Smf.Mb, after.Buckets.Single(b => b.Id == plan).Amount);
        Assert.Equal(60 * Smf.Mb, after.Buckets.Single(b => b.Id == plan).Used);
        Assert.Equal(before.Buckets.Single().NextReset, after.Buckets.Single(b => b.Id == plan).NextReset);
        Assert.Equal(20 * Smf.Mb, after.Buckets.Single(b => b.Kind == "addOn").Used);
        Assert.Equal(0.30m, after.Debt);
        Assert.Equal(0m, after.Unbilled);
        Assert.Equal(0, after.Buckets.Sum(b => b.Held));

        // The session goes on: its next report is rated on the new terms (prepaid, no credit: debt grows), no quota left.
        var (_, next, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 3, requestMb: 10, used: 2 * Smf.Mb, localSequence: 2));
        Assert.Equal("QUOTA_LIMIT_REACHED", Smf.ResultCode(next!));
        Assert.Equal(0.31m, (await Smf.BalanceAsync(app, account))!.Debt);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ABarredLineIsRefusedNewSessionsAndATerminatedOneIsUnknown(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 100);
        using var smf = Smf.Client(app);
        var reference = await Smf.CreateAsync(smf, imsi);

        await Smf.ChangeAsync(app, account, new AccountChange("order-2/bar", AccountChangeKind.Suspend, "line", app.Clock.GetUtcNow()));
        var (barred, problem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request(imsi, 1, chargingId: 2));
        Assert.Equal(HttpStatusCode.Forbidden, barred);
        Assert.Equal("END_USER_REQUEST_DENIED", problem!["cause"]!.GetValue<string>());
        // The session open before the bar reports what it used and is granted nothing more.
        var (updated, update, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 2, requestMb: 10, used: 4 * Smf.Mb));
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("END_USER_SERVICE_DENIED", Smf.ResultCode(update!));
        Assert.Equal(0, Smf.Granted(update!));
        var afterBar = Assert.Single((await Smf.BalanceAsync(app, account))!.Buckets);
        Assert.Equal(4 * Smf.Mb, afterBar.Used);
        Assert.Equal(0, afterBar.Held);

        await Smf.ChangeAsync(app, account, new AccountChange("order-3/end", AccountChangeKind.Terminate, "line", app.Clock.GetUtcNow()));
        var (unknown, unknownProblem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request(imsi, 1, chargingId: 3));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("USER_UNKNOWN", unknownProblem!["cause"]!.GetValue<string>());
        // The open session ended with the line: its last report is still rated, never dropped, and acknowledged.
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 3, requestMb: null, used: Smf.Mb, localSequence: 2))).Status);
        var end = Assert.Single((await Smf.BalanceAsync(app, account))!.Buckets);
        Assert.Equal(5 * Smf.Mb, end.Used);
        Assert.Equal(0, end.Held);
        // A late event cannot reopen a closed account.
        await Smf.ChangeAsync(app, account, new AccountChange("order-1/line-again", AccountChangeKind.Open, "line", app.Clock.GetUtcNow(),
            new AccountTerms(false, "EUR", 1, null, 0, []), []));
        await Smf.ChangeAsync(app, account, new AccountChange("order-2/resume", AccountChangeKind.Resume, "line", app.Clock.GetUtcNow()));
        Assert.Equal(AccountStatus.Closed, (await Smf.BalanceAsync(app, account))!.Status);
    }
}
