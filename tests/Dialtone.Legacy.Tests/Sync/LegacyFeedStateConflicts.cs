using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Features.Sync;
using Dialtone.Legacy.Persistence;
using Dialtone.Legacy.Tests.Propagation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Sync;

/// <summary>
/// The feed's side of the sync state's two writers (ADR 0018): an entry whose commit fails only because a delivery
/// wrote the record's sync state meanwhile is applied again from fresh reads in a new scope, and what it did is
/// reported and counted once — on the cursor and on the meter alike.
/// </summary>
public sealed class LegacyFeedStateConflicts(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    [Fact]
    public async Task AnEntryWhoseSyncStateAnotherWriterChangedIsAppliedAgainAndCountedOnce()
    {
        var hook = new SyncStateSaveHook
        {
            // Only the feed's commit (it moves the cursor), not the delivery the entry stages.
            When = db => db.ChangeTracker.Entries<LegacyFeedCursor>().Any(e => e.State == EntityState.Modified),
        };
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync(), services => LegacyWorld.Intercept(services, hook));
        hook.Services = app.Services;
        var people = await LegacyWorld.ImportAsync(app);
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var person = people[42];
        var dialtonePhone = SyncWorld.Phone(await SyncWorld.IndividualAsync(app, person));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // What an earlier delivery left: the record's sync state, written by the propagation.
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            db.SyncStates.Add(new LegacySyncState
            {
                LegacyCustomerId = person.LegacyId, LastVersion = (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version(), UpdatedAt = app.Clock.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        }

        using var meters = new LegacyMeterReadings(app);
        var before = await app.Admin().GetJsonAsync("/admin/legacy/sync");
        hook.Arm(person.LegacyId);

        // A legacy agent edits the phone (Dialtone masters it): the entry reports it and records legacy's values in the
        // sync state, whose row a delivery writes just before the entry commits.
        var agentPhone = "0171 " + SyncWorld.Digits(42);
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "phone", agentPhone);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => (c.Field("Phone") ?? "") == (dialtonePhone ?? ""));
        await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() >= 1);
        var status = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));

        Assert.Equal(1, hook.Fired);
        var conflict = Assert.Single(await SyncWorld.ConflictsAsync(app, person))!;
        Assert.Equal("phone", conflict["field"]!.GetValue<string>());
        Assert.Equal(agentPhone, conflict["overwrittenLegacyValue"]!.GetValue<string>());
        Assert.Equal(before["conflicts"]!.GetValue<long>() + 1, status["conflicts"]!.GetValue<long>());
        Assert.Equal(0, status["parked"]!.GetValue<int>());
        await meters.WaitForAsync(m => m.Value("dialtone.legacy.feed.echoes") >= 1);
        Assert.Equal(1, meters.Value("dialtone.legacy.feed.conflicts"));
        Assert.Equal(0, meters.Value("dialtone.legacy.feed.applied"));
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }
}
