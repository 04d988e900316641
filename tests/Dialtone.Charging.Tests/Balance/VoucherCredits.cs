using Dialtone.Charging.Grains;
using Dialtone.Charging.Tests.Nchf;
using Dialtone.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Tests.Balance;

/// <summary>
/// A claimed voucher's credit reaches its account even when the request that claimed it fails before crediting: the
/// claim's write carries the credit in the voucher's outbox, and the credit is once per top-up key.
/// </summary>
public sealed class VoucherCredits(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AClaimWhoseRequestDiedIsCreditedOnceByTheOutbox(TestDatabase database)
    {
        var app = apps.For(database);
        var account = await Smf.OpenAccountAsync(app, $"0010100000{Random.Shared.Next(90000, 99999)}", dataMb: 1, prepaid: true, credit: 0);
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var voucher = grains.GetGrain<IVoucherGrain>("h1:test-voucher-" + Guid.NewGuid().ToString("N"));
        Assert.True(await voucher.IssueAsync(new VoucherTerms(15m, "EUR", app.Clock.GetUtcNow().AddDays(30), "batch-1")));
        Assert.False(await voucher.IssueAsync(new VoucherTerms(99m, "EUR", app.Clock.GetUtcNow().AddDays(30), "batch-2")));

        // The request claims and dies before its own credit: the outbox pays it.
        var template = new TopUpRequest("key-1", "body-1", 0, "EUR", "…ABCD", null, "selfService", "user:customer-1");
        var claim = await voucher.ClaimAsync(account, template);
        Assert.Equal(VoucherClaimOutcome.Claimed, claim.Outcome);
        Assert.Equal(15m, claim.TopUp!.Amount);
        var balance = grains.GetGrain<IChargingAccountGrain>(account);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await balance.BalanceAsync())!.Credit == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the claimed voucher's credit never reached the account");
            await Task.Delay(25);
        }

        // The relay tells the voucher the credit landed (right after the credit): a replayed claim then says so.
        var replay = await voucher.ClaimAsync(account, template);
        while (!replay.Credited)
        {
            Assert.True(DateTime.UtcNow < deadline, "the voucher never heard that its credit landed");
            await Task.Delay(25);
            replay = await voucher.ClaimAsync(account, template);
        }

        Assert.Equal(VoucherClaimOutcome.Claimed, replay.Outcome);
        Assert.Equal(TopUpOutcome.Repeated, (await balance.TopUpAsync(claim.TopUp)).Outcome);
        Assert.Equal(VoucherClaimOutcome.Used, (await voucher.ClaimAsync(account, template with { Key = "key-2" })).Outcome);
        await Task.Delay(200);
        Assert.Equal(15m, (await balance.BalanceAsync())!.Credit);
        Assert.Single(await balance.TopUpsAsync());
        Assert.Empty(app.Errors.Unexpected);
    }
}
