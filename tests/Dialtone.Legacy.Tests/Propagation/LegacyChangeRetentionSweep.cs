using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// Changes legacy has received are kept for the retention window, then deleted; changes still owed to legacy (dead
/// letters, an erasure waiting for its party) are never deleted, however old.
/// </summary>
public sealed class LegacyChangeRetentionSweep(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task OnlyChangesDeliveredBeforeTheWindowAreDeleted(TestDatabase database)
    {
        await using var app = LegacyWorld.App(database, sim.Legacy, new Dictionary<string, string?>
        {
            ["Dialtone:Legacy:Propagation:DeliveredRetention"] = "30.00:00:00",
        });
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync("/admin/legacy/propagation")).StatusCode);
        var now = app.Clock.GetUtcNow();
        var days = (int d) => now - TimeSpan.FromDays(d);
        await using (var setup = app.Services.CreateAsyncScope())
        {
            var db = setup.ServiceProvider.GetRequiredService<LegacyDbContext>();
            db.Changes.AddRange(
                Change("delivered-long-ago", LegacyChangeStates.Delivered, days(40), delivered: days(31)),
                Change("delivered-lately", LegacyChangeStates.Delivered, days(40), delivered: days(29)),
                Change("dead-letter", LegacyChangeStates.DeadLettered, days(90)),
                Change("erasure-waiting", LegacyChangeStates.AwaitingErasure, days(90)));
            await db.SaveChangesAsync();
        }

        var retention = app.Services.GetRequiredService<LegacyChangeRetention>();
        Assert.Equal(1, await retention.PurgeOnceAsync(CancellationToken.None));
        Assert.Equal(0, await retention.PurgeOnceAsync(CancellationToken.None));

        await using var check = app.Services.CreateAsyncScope();
        var left = await check.ServiceProvider.GetRequiredService<LegacyDbContext>().Changes.Where(c => c.Id.StartsWith("retention-")).Select(c => c.Id).ToListAsync();
        Assert.Equal(["retention-dead-letter", "retention-delivered-lately", "retention-erasure-waiting"], left.Order(StringComparer.Ordinal));
    }

    private static LegacyChange Change(string name, string state, DateTimeOffset changedAt, DateTimeOffset? delivered = null) => new()
    {
        Id = "retention-" + name,
        PartyId = "party-" + name,
        Kind = LegacyChangeKinds.Contact,
        LegacyCustomerIds = "C-RETENTION",
        State = state,
        ChangedAt = changedAt,
        DeliveredAt = delivered,
        DeadLetteredAt = state == LegacyChangeStates.DeadLettered ? changedAt : null,
    };
}
