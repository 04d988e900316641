namespace Dialtone.Legacy.Tests.Sync;

/// <summary>Two nodes on one PostgreSQL database: one holds the feed's lease and applies it, so nothing is applied or reported twice.</summary>
public sealed class LegacyChangeFeedNodes(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    [Fact]
    public async Task OnlyTheNodeHoldingTheLeaseAppliesTheFeed()
    {
        if (!DialtoneApp.PostgresAvailable)
        {
            return;
        }

        await using var first = LegacyWorld.App(TestDatabase.Postgres, sim.Legacy, SyncWorld.FastSync());
        var people = await LegacyWorld.ImportAsync(first);
        var shared = SyncWorld.FastSync();
        shared["ConnectionStrings:Dialtone"] = first.ConnectionString;
        shared["Dialtone:DataDirectory"] = first.DataDirectory;
        shared["Dialtone:Legacy:BaseUrl"] = sim.Legacy.BaseUrl;
        await using var second = new DialtoneApp(TestDatabase.Postgres, shared, ownsDatabase: false);
        second.CreateClient().Dispose();
        var owner = (await SyncWorld.WaitForSyncAsync(first, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy)))["leaseOwner"]!.GetValue<string>();

        var named = people[0];
        var phoned = people[1];
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, named.LegacyId, "firstName", "Zweiknoten");
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, phoned.LegacyId, "phone", "0171 " + SyncWorld.Digits(42));

        await LegacyWorld.WaitForAsync(first.Admin(), $"/admin/legacy/conflicts?partyId={phoned.PartyId}", c => c.AsArray().Count > 0);
        var status = await SyncWorld.WaitForSyncAsync(second, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy), s => s["applied"]!.GetValue<long>() >= 1);
        await Task.Delay(500);
        status = await SyncWorld.WaitForSyncAsync(second, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        Assert.Equal(owner, status["leaseOwner"]!.GetValue<string>());
        Assert.Equal(1, status["applied"]!.GetValue<long>());
        Assert.Equal(1, status["conflicts"]!.GetValue<long>());
        Assert.Single(await SyncWorld.ConflictsAsync(second, phoned));
        Assert.Equal("Zweiknoten", (await SyncWorld.IndividualAsync(second, named))["givenName"]!.GetValue<string>());
        LegacyWorld.AssertNoUnexpectedErrors(first);
        Assert.Empty(LegacyWorld.UnexpectedErrors(second));
    }
}
