using Dialtone.Parties.Contracts;
using Dialtone.Platform.Tmf;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Sync;

/// <summary>
/// One entry Dialtone cannot apply (here: a person whose write Dialtone refuses every time) neither stops the feed nor
/// fails a reconciliation: the entry is parked after <c>MaxEntryAttempts</c> and shown on the sync's status, the feed goes
/// on past it; the reconciliation counts the record as an error and completes.
/// </summary>
public sealed class LegacyFeedBadEntries(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    [Fact]
    public async Task ABadEntryIsParkedAndTheFeedGoesOnAndAReconciliationCountsTheRecordAsAnError()
    {
        var refused = new RefusedParty();
        var settings = SyncWorld.FastSync();
        settings["Dialtone:Legacy:Sync:MaxEntryAttempts"] = "3";
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, settings, services => RefusedParty.Decorate(services, refused));
        var people = await LegacyWorld.ImportAsync(app);
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var (bad, good) = (people[30], people[31]);
        var badFamily = (await SyncWorld.IndividualAsync(app, bad))["familyName"]!.GetValue<string>();
        refused.PartyId = bad.PartyId;

        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, bad.LegacyId, "lastName", "Abgelehnt");
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, good.LegacyId, "firstName", "Weiterhin");

        var status = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy), s => s["parked"]!.GetValue<int>() >= 1);
        Assert.Equal(1, status["parked"]!.GetValue<int>());
        Assert.Equal(bad.LegacyId, status["lastSkipped"]!["legacyCustomerId"]!.GetValue<string>());
        Assert.Equal("400 INVALID_ATTRIBUTE", status["lastSkipped"]!["reason"]!.GetValue<string>());
        Assert.True(refused.Attempts >= 3, $"{refused.Attempts} attempts");
        Assert.Equal("Weiterhin", (await SyncWorld.IndividualAsync(app, good))["givenName"]!.GetValue<string>());
        Assert.Equal(badFamily, (await SyncWorld.IndividualAsync(app, bad))["familyName"]!.GetValue<string>());

        // The reconciliation meets the same record: counted as an error, the job completes and repairs the others.
        var admin = app.Admin();
        var job = await admin.PostJsonAsync("/admin/legacy/reconciliations", new { mode = "repairDialtone" }, expectedStatus: 202);
        var done = await LegacyWorld.WaitForAsync(admin, job["href"]!.GetValue<string>(), j => j["state"]!.GetValue<string>() is "completed" or "failed");
        Assert.True(done["state"]!.GetValue<string>() == "completed", done.ToJsonString());
        Assert.Equal(1, done["progress"]!["errors"]!.GetValue<int>());
        Assert.Equal(60, done["progress"]!["legacyRecords"]!.GetValue<int>());
        var drift = await admin.GetJsonArrayAsync($"{job["href"]}/drift?limit=1000");
        var failed = drift.Single(d => d!["legacyCustomerId"]!.GetValue<string>() == bad.LegacyId)!;
        Assert.Equal("failed", failed["repair"]!.GetValue<string>());
        Assert.Equal("error", failed["fields"]![0]!["field"]!.GetValue<string>());
    }

    /// <summary>Dialtone refuses every source write of one party (as its checks would refuse a value it cannot hold).</summary>
    private sealed class RefusedParty
    {
        private int attempts;

        public volatile string? PartyId;

        public int Attempts => Volatile.Read(ref attempts);

        public static void Decorate(IServiceCollection services, RefusedParty refused)
        {
            var original = services.Last(d => d.ServiceType == typeof(ICustomerRecords));
            services.Remove(original);
            services.AddScoped<ICustomerRecords>(sp => new Refusing((ICustomerRecords)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!), refused));
        }

        private sealed class Refusing(ICustomerRecords inner, RefusedParty refused) : ICustomerRecords
        {
            public Task<CustomerRecord?> FindByPartyAsync(string partyId, CancellationToken cancellationToken) => inner.FindByPartyAsync(partyId, cancellationToken);

            public Task<CustomerRecord?> FindByCustomerAsync(string customerId, CancellationToken cancellationToken) => inner.FindByCustomerAsync(customerId, cancellationToken);

            public Task<CustomerRecord?> FindBySourceIdAsync(string sourceId, CancellationToken cancellationToken) => inner.FindBySourceIdAsync(sourceId, cancellationToken);

            public Task<bool> UpdateFromSourceAsync(string partyId, SourceMasteredValues values, CancellationToken cancellationToken)
            {
                if (partyId == refused.PartyId)
                {
                    Interlocked.Increment(ref refused.attempts);
                    throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", "Refused by the test.");
                }

                return inner.UpdateFromSourceAsync(partyId, values, cancellationToken);
            }
        }
    }
}
