using System.Net;
using System.Text.Json.Nodes;
using Dialtone.Testing;
using Xunit.Abstractions;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// Many sessions of one account at once, each request sent up to three times concurrently (a consumer retransmitting
/// while its first try is still in flight): every copy gets the same answer, and the final balances equal a model that
/// counts each report once (ADR 0011 invariants: debits = reported units; grants never exceed what is available).
/// </summary>
public sealed class ParallelSessions(DialtoneApps apps, ITestOutputHelper output) : IClassFixture<DialtoneApps>
{
    private const int Sessions = 16;
    private const int Updates = 8;

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task DuplicatedConcurrentReportsAreDebitedOnceAndBalancesMatchTheModel(TestDatabase database)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var app = apps.For(database);
        var imsi = $"0010100001{seed % 100_000:D5}";
        // 60 MB of allowance for ~16 sessions × ~8 reports of up to 1 MB: the allowance runs out part-way, money pays the rest.
        var account = await Smf.OpenAccountAsync(app, imsi, dataMb: 60, prepaid: true, credit: 100m, pricePerMb: 0.01m);
        using var smf = Smf.Client(app);

        var reported = new long[Sessions];
        await Task.WhenAll(Enumerable.Range(0, Sessions).Select(async session =>
        {
            var random = new Random(seed + session);
            var create = Smf.Request(imsi, 1, requestMb: 1, chargingId: 10_000 + session);
            var created = await Smf.SendCopiesAsync(smf, $"{Smf.Api}/chargingdata", create, random, HttpStatusCode.Created, seed);
            var reference = created.Location!.Split('/')[^1];
            var granted = Smf.Granted(created.Body!);
            for (var update = 0; update < Updates; update++)
            {
                // Whole MB (no rounding carry, so money is exact), up to the grant and sometimes 1 MB beyond it (traffic
                // before the final unit action bit).
                var used = random.Next(0, (int)(granted / Smf.Mb) + 2) * Smf.Mb;
                reported[session] += used;
                var body = Smf.Request(null, 2 + update, requestMb: 1, used: used, localSequence: update + 1);
                var answer = await Smf.SendCopiesAsync(smf, $"{Smf.Api}/chargingdata/{reference}/update", body, random, HttpStatusCode.OK, seed);
                granted = Smf.Granted(answer.Body!);
            }

            var last = random.Next(0, (int)(granted / Smf.Mb) + 1) * Smf.Mb;
            reported[session] += last;
            await Smf.SendCopiesAsync(smf, $"{Smf.Api}/chargingdata/{reference}/release", Smf.Request(null, 2 + Updates, requestMb: null, used: last, localSequence: Updates + 1),
                random, HttpStatusCode.NoContent, seed);
        }));

        var total = reported.Sum();
        var balance = (await Smf.BalanceAsync(app, account))!;
        var bucket = Assert.Single(balance.Buckets);
        var allowance = 60 * Smf.Mb;
        Assert.True(bucket.Used == Math.Min(total, allowance), $"seed {seed}: allowance used {bucket.Used}, model {Math.Min(total, allowance)} of {total} reported");
        Assert.Equal(0, bucket.Held);
        Assert.Equal(0m, balance.Held);
        Assert.Equal(0, balance.OpenSessions);

        // Money pays exactly the MBs beyond the allowance (whole MBs: no session carries a started unit): a report charged
        // twice, or lost, would show here.
        var beyond = Math.Max(0, total - allowance);
        var spent = 100m - balance.Credit;
        Assert.True(spent == beyond / Smf.Mb * 0.01m, $"seed {seed}: spent {spent} EUR for {beyond} octets beyond the allowance");
        Assert.Equal(0m, balance.Debt);
        Assert.Empty(app.Errors.Unexpected);
    }
}
