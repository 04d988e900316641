using Dialtone.Charging.Grains;
using Dialtone.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Tests.Pools;

/// <summary>
/// A shared pool grain on a real silo (ADR 0013): reserve, commit and release are idempotent by reservation id, grants
/// never exceed what the pool has, the pool never goes below zero, expired reservations give their units back, and the
/// pool refills on its cycle day.
/// </summary>
public sealed class SharedPools(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const long Mb = 1_000_000;
    private static readonly PoolService Data = new(10, "octet", "home");

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ARepeatedReserveCommitOrReleaseAnswersTheFirstAndChangesNothing(TestDatabase database)
    {
        var (pool, member) = await OpenPoolAsync(apps.For(database), mb: 100);

        var first = await pool.ReserveAsync(new PoolReservation("r-1", member, Data, 30 * Mb, TimeSpan.FromHours(1)));
        var again = await pool.ReserveAsync(new PoolReservation("r-1", member, Data, 30 * Mb, TimeSpan.FromHours(1)));
        Assert.Equal(30 * Mb, first.Granted);
        Assert.Equal(first.Granted, again.Granted);
        Assert.Equal(first.ValidUntil, again.ValidUntil);
        Assert.Equal(30 * Mb, Assert.Single((await pool.BalanceAsync())!.Buckets).Held);

        var committed = await pool.CommitAsync(new PoolUsage("r-1", member, Data, 20 * Mb));
        var repeated = await pool.CommitAsync(new PoolUsage("r-1", member, Data, 20 * Mb));
        Assert.Equal((20 * Mb, 0L), (committed.Debited, committed.Returned));
        Assert.Equal(committed, repeated with { Debits = committed.Debits, Thresholds = committed.Thresholds });
        Assert.Equal(committed.Debits, repeated.Debits);
        // A repeat that reports other units is still the same settlement: the reservation id decides, once.
        Assert.Equal(20 * Mb, (await pool.CommitAsync(new PoolUsage("r-1", member, Data, 50 * Mb))).Debited);
        var bucket = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal((20 * Mb, 0L), (bucket.Used, bucket.Held));

        await pool.ReserveAsync(new PoolReservation("r-2", member, Data, 10 * Mb, TimeSpan.FromHours(1)));
        var released = await pool.ReleaseAsync("r-2");
        Assert.True(released.Released);
        Assert.Equal(released, await pool.ReleaseAsync("r-2"));
        // A settled id reserves nothing again, and a commit of a released id debits nothing: the first settlement stands.
        Assert.Equal(0, (await pool.ReserveAsync(new PoolReservation("r-2", member, Data, 10 * Mb, TimeSpan.FromHours(1)))).Granted);
        Assert.Equal((0L, 0L), ((await pool.CommitAsync(new PoolUsage("r-2", member, Data, 5 * Mb))).Debited, 0L));
        bucket = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal((20 * Mb, 0L), (bucket.Used, bucket.Held));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ABatchOfCommitsAndReservesIsAppliedInOrderOnceAndRepeatsAnswerTheSame(TestDatabase database)
    {
        var (pool, member) = await OpenPoolAsync(apps.For(database), mb: 20);
        await pool.ReserveAsync(new PoolReservation("s/10/1", member, Data, 15 * Mb, TimeSpan.FromHours(1)));

        // The commit frees what the first grant held but did not use, so the reserve after it in the batch gets it.
        PoolCall[] calls =
        [
            new(new PoolUsage("s/10/1", member, Data, 5 * Mb), null),
            new(null, new PoolReservation("s/10/2", member, Data, 20 * Mb, TimeSpan.FromHours(1))),
        ];
        var first = await pool.ApplyAsync(calls);
        var again = await pool.ApplyAsync(calls);
        Assert.Equal(5 * Mb, first[0].Settlement!.Debited);
        Assert.Equal(15 * Mb, first[1].Grant!.Granted);
        Assert.Equal((first[0].Settlement!.Debited, first[1].Grant!.Granted, first[1].Grant!.ValidUntil),
            (again[0].Settlement!.Debited, again[1].Grant!.Granted, again[1].Grant!.ValidUntil));
        var bucket = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal((5 * Mb, 15 * Mb), (bucket.Used, bucket.Held));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task GrantsNeverExceedWhatIsLeftAndThePoolNeverGoesBelowZero(TestDatabase database)
    {
        var (pool, member) = await OpenPoolAsync(apps.For(database), mb: 50);

        var a = await pool.ReserveAsync(new PoolReservation("a", member, Data, 40 * Mb, TimeSpan.FromHours(1)));
        var b = await pool.ReserveAsync(new PoolReservation("b", member, Data, 40 * Mb, TimeSpan.FromHours(1)));
        Assert.Equal((40 * Mb, 10 * Mb), (a.Granted, b.Granted));
        Assert.False(b.MoreAvailable);
        var c = await pool.ReserveAsync(new PoolReservation("c", member, Data, 1 * Mb, TimeSpan.FromHours(1)));
        Assert.Equal(0, c.Granted);
        Assert.True(c.Serves);

        // Used beyond the grant: debited as far as the pool has units, the rest returned to be rated with money.
        var overA = await pool.CommitAsync(new PoolUsage("a", member, Data, 45 * Mb));
        Assert.Equal((40 * Mb, 5 * Mb), (overA.Debited, overA.Returned));
        Assert.Equal([80], overA.Thresholds.Select(t => t.Percent));
        var overB = await pool.CommitAsync(new PoolUsage("b", member, Data, 30 * Mb));
        Assert.Equal((10 * Mb, 20 * Mb), (overB.Debited, overB.Returned));
        Assert.Equal([100], overB.Thresholds.Select(t => t.Percent));
        var bucket = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal((50 * Mb, 0L), (bucket.Used, bucket.Held));

        // Not a member, or a service no pool allowance serves: nothing.
        Assert.Equal(0, (await pool.ReserveAsync(new PoolReservation("x", Guid.NewGuid(), Data, Mb, TimeSpan.FromHours(1)))).Granted);
        var voice = await pool.ReserveAsync(new PoolReservation("v", member, new PoolService(20, "second", "home"), 60, TimeSpan.FromHours(1)));
        Assert.Equal((0L, false), (voice.Granted, voice.Serves));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnExpiredReservationGivesItsUnitsBackAndALateReportIsStillDebited(TestDatabase database)
    {
        var app = apps.For(database);
        var (pool, member) = await OpenPoolAsync(app, mb: 100);

        var grant = await pool.ReserveAsync(new PoolReservation("late", member, Data, 60 * Mb, TimeSpan.FromMinutes(5)));
        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(5), grant.ValidUntil, TimeSpan.FromSeconds(1));
        app.Clock.Advance(TimeSpan.FromMinutes(5) + Reservation.Grace + TimeSpan.FromSeconds(1));
        var balance = (await pool.BalanceAsync())!;
        Assert.Equal((0, 0L), (balance.OpenReservations, Assert.Single(balance.Buckets).Held));

        var late = await pool.CommitAsync(new PoolUsage("late", member, Data, 10 * Mb));
        Assert.Equal(10 * Mb, late.Debited);
        Assert.Equal(10 * Mb, Assert.Single((await pool.BalanceAsync())!.Buckets).Used);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ThePoolRefillsOnItsCycleDayAtMidnightUtc(TestDatabase database)
    {
        var app = apps.For(database);
        var now = app.Clock.GetUtcNow();
        var cycleDay = now.AddDays(2).Day;
        var (pool, member) = await OpenPoolAsync(app, mb: 10, cycleDay);
        await pool.CommitAsync(new PoolUsage("all", member, Data, 15 * Mb));
        var used = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal(10 * Mb, used.Used);
        var reset = new DateTimeOffset(now.UtcDateTime.Date.AddDays(2), TimeSpan.Zero);
        Assert.Equal(reset, used.NextReset);

        app.Clock.Advance(reset - app.Clock.GetUtcNow());
        var refilled = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal(0, refilled.Used);
        Assert.Equal(10 * Mb, (await pool.ReserveAsync(new PoolReservation("new", member, Data, 20 * Mb, TimeSpan.FromHours(1)))).Granted);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ItsStateSurvivesDeactivationAndConfiguringIsIdempotentByChangeId(TestDatabase database)
    {
        var app = apps.For(database);
        var (pool, member) = await OpenPoolAsync(app, mb: 100);
        await pool.ReserveAsync(new PoolReservation("kept", member, Data, 30 * Mb, TimeSpan.FromHours(1)));
        await pool.CommitAsync(new PoolUsage("used", member, Data, 5 * Mb));

        var grains = app.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var bucket = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal((5 * Mb, 30 * Mb), (bucket.Used, bucket.Held));
        Assert.Equal(5 * Mb, (await pool.CommitAsync(new PoolUsage("used", member, Data, 5 * Mb))).Debited);
        Assert.Equal(30 * Mb, (await pool.ReserveAsync(new PoolReservation("kept", member, Data, 30 * Mb, TimeSpan.FromHours(1)))).Granted);

        // The same change again changes nothing; a new one replaces the allowances and keeps what was used.
        await pool.ConfigureAsync(Terms("open", 100, 1));
        Assert.Equal(100 * Mb, Assert.Single((await pool.BalanceAsync())!.Buckets).Amount);
        await pool.ConfigureAsync(Terms("grow", 200, 1));
        bucket = Assert.Single((await pool.BalanceAsync())!.Buckets);
        Assert.Equal((200 * Mb, 5 * Mb, 0L), (bucket.Amount, bucket.Used, bucket.Held));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AClosedPoolGrantsNothingReturnsReportsWholeAndStaysClosed(TestDatabase database)
    {
        var app = apps.For(database);
        var (pool, member) = await OpenPoolAsync(app, mb: 100);
        await pool.ReserveAsync(new PoolReservation("open", member, Data, 30 * Mb, TimeSpan.FromHours(1)));

        await pool.CloseAsync();
        await pool.CloseAsync();
        Assert.Null(await pool.BalanceAsync());
        // A late report of the open reservation is returned whole (the line rates it with money); nothing is granted any more.
        var late = await pool.CommitAsync(new PoolUsage("open", member, Data, 10 * Mb));
        Assert.Equal((0L, 10 * Mb), (late.Debited, late.Returned));
        Assert.Equal(0, (await pool.ReserveAsync(new PoolReservation("after", member, Data, 1 * Mb, TimeSpan.FromHours(1)))).Granted);

        // Whatever event comes late, the pool stays closed, also after reactivation.
        await pool.ConfigureAsync(Terms("late", 100, 1));
        await pool.JoinAsync(member);
        await app.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Null(await pool.BalanceAsync());
        Assert.Equal(0, (await pool.ReserveAsync(new PoolReservation("later", member, Data, 1 * Mb, TimeSpan.FromHours(1)))).Granted);
    }

    private static async Task<(ISharedPoolGrain Pool, Guid Member)> OpenPoolAsync(DialtoneApp app, long mb, int cycleDay = 1)
    {
        var pool = app.Services.GetRequiredService<IGrainFactory>().GetGrain<ISharedPoolGrain>(SharedPoolIds.Of("family-" + Guid.NewGuid().ToString("N")));
        var member = Guid.NewGuid();
        await pool.ConfigureAsync(Terms("open", mb, cycleDay));
        await pool.JoinAsync(member);
        return (pool, member);
    }

    private static PoolTerms Terms(string changeId, long mb, int cycleDay) =>
        new(changeId, cycleDay, [new AllowanceTerms("family/sharedDataPool", "sharedPool", "octet", mb * Mb, [10, 11], "EU", "billingCycle", false, 20, null)]);
}
