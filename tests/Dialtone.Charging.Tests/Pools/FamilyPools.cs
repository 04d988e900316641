using System.Net;
using System.Text.Json.Nodes;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Tests.Nchf;
using Dialtone.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Dialtone.Charging.Tests.Pools;

/// <summary>
/// Lines of one family charging through Nchf with a shared pool grain (ADR 0013): each line's own plan allowance first,
/// then the pool, then money; every reported unit paid exactly once, also with parallel sessions on both lines and
/// retransmitted requests, and across a failure between the pool's write and the account's.
/// </summary>
public sealed class FamilyPools(DialtoneApps apps, ITestOutputHelper output) : IClassFixture<DialtoneApps>
{
    private const long Mb = Smf.Mb;
    private static int nextImsi = 300;

    private static string NewImsi() => $"0010100002{Interlocked.Increment(ref nextImsi):D5}";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task EachLineUsesItsOwnPlanThenThePoolThenMoney(TestDatabase database)
    {
        var app = apps.For(database);
        var (a, b) = (NewImsi(), NewImsi());
        var productA = "family-a-" + Guid.NewGuid().ToString("N")[..8];
        var lineA = await Smf.OpenAccountAsync(app, a, dataMb: 10, productId: productA);
        var lineB = await Smf.OpenAccountAsync(app, b, dataMb: 5);
        var pool = await OpenPoolAsync(app, poolMb: 30, lineA, lineB);
        using var smf = Smf.Client(app);

        var refA = await Smf.CreateAsync(smf, a, requestMb: 10, chargingId: 1);
        Assert.Equal(0, (await PoolBucketAsync(pool)).Held);

        // A's plan is used up: the next 10 MB come from the pool.
        var second = await UpdateAsync(smf, refA, 2, requestMb: 10, usedMb: 10, localSequence: 1);
        Assert.Equal(10 * Mb, Smf.Granted(second));
        Assert.Equal((0L, 10 * Mb), Of(await PoolBucketAsync(pool)));

        // B: 5 MB of its own plan, 15 from the pool.
        var (_, createdB, locationB) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request(b, 1, requestMb: 20, chargingId: 2));
        Assert.Equal(20 * Mb, Smf.Granted(createdB!));
        Assert.Equal((0L, 25 * Mb), Of(await PoolBucketAsync(pool)));

        // A used 2 MB beyond its grant: the pool pays all 12; only 3 MB are left in it, money grants the other 7.
        var third = await UpdateAsync(smf, refA, 3, requestMb: 10, usedMb: 12, localSequence: 2);
        Assert.Equal(10 * Mb, Smf.Granted(third));
        Assert.Equal((12 * Mb, 18 * Mb), Of(await PoolBucketAsync(pool)));

        var refB = locationB!.Split('/')[^1];
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{refB}/release", Smf.Request(null, 2, requestMb: null, used: 20 * Mb))).Status);
        Assert.Equal((27 * Mb, 3 * Mb), Of(await PoolBucketAsync(pool)));
        Assert.Equal(HttpStatusCode.NoContent, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{refA}/release", Smf.Request(null, 4, requestMb: null, used: 10 * Mb, localSequence: 3))).Status);

        // 52 MB reported: A's plan 10, B's plan 5, the pool 30, money 7 (on A, who used them).
        Assert.Equal((30 * Mb, 0L), Of(await PoolBucketAsync(pool)));
        var balanceA = (await Smf.BalanceAsync(app, lineA))!;
        var balanceB = (await Smf.BalanceAsync(app, lineB))!;
        Assert.Equal((10 * Mb, 0L), Of(Assert.Single(balanceA.Buckets)));
        Assert.Equal((5 * Mb, 0L), Of(Assert.Single(balanceB.Buckets)));
        Assert.Equal((0.07m, 0m), (balanceA.Unbilled, balanceB.Unbilled));
        Assert.Equal((0m, 0m), (balanceA.Held, balanceB.Held));

        // The pool's dry run records nothing: A's three reports are three usage records, 32 MB, 0.07 EUR.
        await Usage.RatedUsageRecords.RelayedAsync(app);
        var records = await app.Services.GetRequiredService<Dialtone.Charging.Contracts.IUsageRecords>()
            .ListAsync(productA, app.Clock.GetUtcNow().AddDays(-1), app.Clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.Equal([10 * Mb, 12 * Mb, 10 * Mb], records.OrderBy(r => r.UsageDate).Select(r => r.Units));
        Assert.Equal(0.07m, records.Sum(r => r.Amount));
        Assert.Empty(app.Errors.Unexpected);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnAddOnIsUsedBeforeThePlanAndBothBeforeThePool(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var line = await Smf.OpenAccountAsync(app, imsi, dataMb: 2);
        await Smf.ChangeAsync(app, line, new AccountChange("order-2/boost", AccountChangeKind.AddAllowances, "boost-1", app.Clock.GetUtcNow(),
            Allowances: [new AllowanceTerms("boost-1/dataAllowance", "addOn", "octet", 3 * Mb, [Smf.DataGroup], "EU", "none", false, 30, null)]));
        var pool = await OpenPoolAsync(app, poolMb: 10, line);
        using var smf = Smf.Client(app);

        var reference = await Smf.CreateAsync(smf, imsi, requestMb: 8);
        var held = (await Smf.BalanceAsync(app, line))!.Buckets.ToDictionary(bucket => bucket.Kind, bucket => bucket.Held);
        Assert.Equal((3 * Mb, 2 * Mb), (held["addOn"], held["plan"]));
        Assert.Equal((0L, 3 * Mb), Of(await PoolBucketAsync(pool)));

        Assert.Equal(HttpStatusCode.NoContent,
            (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 2, requestMb: null, used: 7 * Mb))).Status);
        var used = (await Smf.BalanceAsync(app, line))!.Buckets.ToDictionary(bucket => bucket.Kind, bucket => bucket.Used);
        Assert.Equal((3 * Mb, 2 * Mb), (used["addOn"], used["plan"]));
        Assert.Equal((2 * Mb, 0L), Of(await PoolBucketAsync(pool)));
        Assert.Equal(0m, (await Smf.BalanceAsync(app, line))!.Unbilled);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ParallelSessionsOnTwoLinesPayEveryUnitOnceInConsumptionOrder(TestDatabase database)
    {
        const int sessions = 6;
        const int updates = 6;
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var app = apps.For(database);
        string[] imsis = [NewImsi(), NewImsi()];
        long[] own = [5, 3];
        var lines = new Guid[2];
        for (var line = 0; line < 2; line++)
        {
            lines[line] = await Smf.OpenAccountAsync(app, imsis[line], dataMb: own[line]);
        }

        var pool = await OpenPoolAsync(app, poolMb: 20, lines);
        using var smf = Smf.Client(app);

        var reported = new long[2, sessions];
        await Task.WhenAll(Enumerable.Range(0, 2 * sessions).Select(async n =>
        {
            var (line, session) = (n % 2, n / 2);
            var random = new Random(seed + n);
            var created = await Smf.SendCopiesAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request(imsis[line], 1, requestMb: 1, chargingId: 20_000 + n), random, HttpStatusCode.Created, seed);
            var reference = created.Location!.Split('/')[^1];
            var granted = Smf.Granted(created.Body!);
            for (var update = 0; update < updates; update++)
            {
                var used = random.Next(0, (int)(granted / Mb) + 2) * Mb;
                reported[line, session] += used;
                var answer = await Smf.SendCopiesAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update",
                    Smf.Request(null, 2 + update, requestMb: 1, used: used, localSequence: update + 1), random, HttpStatusCode.OK, seed);
                granted = Smf.Granted(answer.Body!);
            }

            var last = random.Next(0, (int)(granted / Mb) + 1) * Mb;
            reported[line, session] += last;
            await Smf.SendCopiesAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release",
                Smf.Request(null, 2 + updates, requestMb: null, used: last, localSequence: updates + 1), random, HttpStatusCode.NoContent, seed);
        }));

        // Units a session held and then released unused may be left behind while others paid with money; a last report
        // beyond everything left, with nothing held, must take the rest of each plan, then the rest of the pool, then money.
        var after = new long[2];
        for (var line = 0; line < 2; line++)
        {
            var reference = await Smf.CreateAsync(smf, imsis[line], requestMb: 1, chargingId: 29_000 + line);
            after[line] = 40 * Mb;
            Assert.Equal(HttpStatusCode.NoContent,
                (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 2, requestMb: null, used: after[line]))).Status);
        }

        var poolBucket = await PoolBucketAsync(pool);
        var balances = await Task.WhenAll(lines.Select(line => Smf.BalanceAsync(app, line)));
        var ownUsed = balances.Sum(balance => Assert.Single(balance!.Buckets).Used);
        var moneyMb = balances.Sum(balance => balance!.Unbilled) / 0.01m;
        var total = reported.Cast<long>().Sum() + after.Sum();
        output.WriteLine($"reported {total / Mb} MB: own {ownUsed / Mb}, pool {poolBucket.Used / Mb}, money {moneyMb}");

        // Every reported unit is paid exactly once: own plans + pool + money (whole MBs, no carries) = reported.
        Assert.True(ownUsed + poolBucket.Used + (long)(moneyMb * Mb) == total,
            $"seed {seed}: own {ownUsed} + pool {poolBucket.Used} + money {moneyMb} MB != reported {total}");
        Assert.Equal(0, poolBucket.Held);
        Assert.All(balances, balance => Assert.Equal((0L, 0m, 0), (Assert.Single(balance!.Buckets).Held, balance.Held, balance.OpenSessions)));
        // Consumption order: money is reached only once the plans and the pool are used up.
        Assert.True(poolBucket.Used == 20 * Mb, $"seed {seed}: money paid {moneyMb} MB while the pool had {20 - (poolBucket.Used / Mb)} MB left");
        Assert.True(ownUsed == 8 * Mb, $"seed {seed}: money paid {moneyMb} MB while the plans had {8 - (ownUsed / Mb)} MB left");

        Assert.Empty(app.Errors.Unexpected);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ARetransmissionAfterTheAccountsWriteFailedReachesThePoolWithTheSameIdsAndIsChargedOnce(TestDatabase database)
    {
        var fault = new StorageFault();
        await using var app = new DialtoneApp(database, services: fault.Install);
        var imsi = NewImsi();
        var line = await Smf.OpenAccountAsync(app, imsi, dataMb: 1);
        var pool = await OpenPoolAsync(app, poolMb: 50, line);
        using var smf = Smf.Client(app);
        var reference = await Smf.CreateAsync(smf, imsi, requestMb: 10);
        Assert.Equal((0L, 9 * Mb), Of(await PoolBucketAsync(pool)));

        // The pool settles 9 MB and grants 10 more, then the account's write is lost: the SMF is told to retry.
        fault.FailNextWriteOf(line);
        var update = Smf.Request(null, 2, requestMb: 10, used: 10 * Mb);
        var (failed, _, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update);
        Assert.Equal(HttpStatusCode.InternalServerError, failed);
        Assert.Equal((9 * Mb, 10 * Mb), Of(await PoolBucketAsync(pool)));
        Assert.Equal((0L, 1 * Mb), Of(Assert.Single((await Smf.BalanceAsync(app, line))!.Buckets)));

        // The retransmission asks the pool the same ids: the same settlement and the same grant, nothing twice.
        update["retransmissionIndicator"] = true;
        var (retried, answer, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", update);
        Assert.Equal(HttpStatusCode.OK, retried);
        Assert.Equal(10 * Mb, Smf.Granted(answer!));
        Assert.Equal((9 * Mb, 10 * Mb), Of(await PoolBucketAsync(pool)));
        var balance = (await Smf.BalanceAsync(app, line))!;
        Assert.Equal((1 * Mb, 0L), Of(Assert.Single(balance.Buckets)));
        Assert.Equal(0m, balance.Unbilled);

        // Lost again, and this time not retried within the grant's validity: the pool's hold expires with it.
        fault.FailNextWriteOf(line);
        var next = Smf.Request(null, 3, requestMb: 20, used: 0, localSequence: 2);
        Assert.Equal(HttpStatusCode.InternalServerError, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", next)).Status);
        Assert.Equal((9 * Mb, 20 * Mb), Of(await PoolBucketAsync(pool)));
        app.Clock.Advance(TimeSpan.FromHours(1) + Reservation.Grace + TimeSpan.FromSeconds(1));
        Assert.Equal((9 * Mb, 0L), Of(await PoolBucketAsync(pool)));

        Assert.Equal(HttpStatusCode.OK, (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", next)).Status);
        Assert.Equal(HttpStatusCode.NoContent,
            (await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 4, requestMb: null, used: 15 * Mb, localSequence: 3))).Status);
        // 25 MB reported: 1 from the plan, 24 from the pool; nothing held, no money.
        Assert.Equal((24 * Mb, 0L), Of(await PoolBucketAsync(pool)));
        balance = (await Smf.BalanceAsync(app, line))!;
        Assert.Equal((1 * Mb, 0L), Of(Assert.Single(balance.Buckets)));
        Assert.Equal((0m, 0m), (balance.Unbilled, balance.Held));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ALineThatLeavesThePoolGivesBackWhatThePoolHeldForItAndPaysWithMoney(TestDatabase database)
    {
        var app = apps.For(database);
        var imsi = NewImsi();
        var line = await Smf.OpenAccountAsync(app, imsi, dataMb: 0);
        var pool = await OpenPoolAsync(app, poolMb: 50, line);
        using var smf = Smf.Client(app);
        var reference = await Smf.CreateAsync(smf, imsi, requestMb: 10);
        Assert.Equal((0L, 10 * Mb), Of(await PoolBucketAsync(pool)));

        var leave = new AccountChange("family-1/leave", AccountChangeKind.LeavePool, "family-1", app.Clock.GetUtcNow());
        await Smf.ChangeAsync(app, line, leave);
        await Smf.ChangeAsync(app, line, leave);
        Assert.Equal((0L, 0L), Of(await PoolBucketAsync(pool)));
        Assert.Empty((await pool.BalanceAsync())!.Members);

        var (_, update, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", Smf.Request(null, 2, requestMb: 10, used: 4 * Mb));
        Assert.Equal(10 * Mb, Smf.Granted(update!));
        Assert.Equal((0L, 0L), Of(await PoolBucketAsync(pool)));
        Assert.Equal(0.04m, (await Smf.BalanceAsync(app, line))!.Unbilled);
    }

    private static IGrainFactory Grains(DialtoneApp app) => app.Services.GetRequiredService<IGrainFactory>();

    private static async Task<ISharedPoolGrain> OpenPoolAsync(DialtoneApp app, long poolMb, params Guid[] lines)
    {
        var owner = "family-" + Guid.NewGuid().ToString("N")[..8];
        var poolId = SharedPoolIds.Of(owner);
        var pool = Grains(app).GetGrain<ISharedPoolGrain>(poolId);
        await pool.ConfigureAsync(new PoolTerms($"{owner}/open", 1,
            [new AllowanceTerms($"{owner}/sharedDataPool", "sharedPool", "octet", poolMb * Mb, [Smf.DataGroup, 11], "EU", "billingCycle", false, 20, null)]));
        foreach (var line in lines)
        {
            var join = new AccountChange($"{owner}/join", AccountChangeKind.JoinPool, owner, app.Clock.GetUtcNow(), PoolId: poolId);
            await Smf.ChangeAsync(app, line, join);
            await Smf.ChangeAsync(app, line, join);
        }

        return pool;
    }

    private static async Task<BucketBalance> PoolBucketAsync(ISharedPoolGrain pool) => Assert.Single((await pool.BalanceAsync())!.Buckets);

    private static (long Used, long Held) Of(BucketBalance bucket) => (bucket.Used, bucket.Held);

    private static async Task<JsonObject> UpdateAsync(HttpClient smf, string reference, long sequence, long requestMb, long usedMb, long localSequence)
    {
        var (status, body, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update",
            Smf.Request(null, sequence, requestMb: requestMb, used: usedMb * Mb, localSequence: localSequence));
        Assert.True(status == HttpStatusCode.OK, $"update answered {(int)status}: {body}");
        return body!;
    }
}
