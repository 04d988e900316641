using Dialtone.Parties.Contracts;
using Dialtone.Platform.Tmf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task ANodeWhoseLeaseLapsedMidEntryDoesNotWrite()
    {
        var lapse = new LapsingLease();
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync(), services => LapsingLease.Decorate(services, lapse));
        var person = (await LegacyWorld.ImportAsync(app))[35];
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        lapse.Arm(person.LegacyId, app.Clock);

        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "lastName", "Spaeter");

        // The lease lapses while the entry is being applied: the write is not made then, but after the lease is claimed again.
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy), s => s["applied"]!.GetValue<long>() >= 1);
        Assert.True(lapse.Lapsed, "The lease never lapsed mid-entry.");
        Assert.Equal(0, lapse.StaleWrites);
        Assert.Equal("Spaeter", (await SyncWorld.IndividualAsync(app, person))["familyName"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnparseableLegacyBirthDateDoesNotClearDialtones()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync());
        var person = (await LegacyWorld.ImportAsync(app))[38];
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "birthDate", "1979-03-04");
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        Assert.StartsWith("1979-03-04", (await SyncWorld.IndividualAsync(app, person))["birthDate"]!.GetValue<string>(), StringComparison.Ordinal);

        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "birthDate", "1977-13-45");
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "firstName", "Gueltig");
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var individual = await SyncWorld.IndividualAsync(app, person);
        Assert.Equal("Gueltig", individual["givenName"]!.GetValue<string>());
        Assert.StartsWith("1979-03-04", individual["birthDate"]?.GetValue<string>() ?? "(none)", StringComparison.Ordinal);
    }

    /// <summary>Advances the clock past the feed's lease (2 s in FastSync) while the first entry of one legacy id is applied, and counts writes made in that same attempt.</summary>
    private sealed class LapsingLease
    {
        private readonly Lock gate = new();
        private string? legacyId;
        private FakeTimeProvider? clock;
        private bool inLapsedAttempt;

        public bool Lapsed { get; private set; }

        public int StaleWrites { get; private set; }

        public void Arm(string id, FakeTimeProvider time)
        {
            lock (gate)
            {
                (legacyId, clock) = (id, time);
            }
        }

        public static void Decorate(IServiceCollection services, LapsingLease lapse)
        {
            var original = services.Last(d => d.ServiceType == typeof(ICustomerRecords));
            services.Remove(original);
            services.AddScoped<ICustomerRecords>(sp => new Lapsing((ICustomerRecords)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!), lapse));
        }

        private sealed class Lapsing(ICustomerRecords inner, LapsingLease lapse) : ICustomerRecords
        {
            public Task<CustomerRecord?> FindByPartyAsync(string partyId, CancellationToken cancellationToken) => inner.FindByPartyAsync(partyId, cancellationToken);

            public Task<CustomerRecord?> FindByCustomerAsync(string customerId, CancellationToken cancellationToken) => inner.FindByCustomerAsync(customerId, cancellationToken);

            public Task<CustomerRecord?> FindBySourceIdAsync(string sourceId, CancellationToken cancellationToken)
            {
                lock (lapse.gate)
                {
                    lapse.inLapsedAttempt = false;
                    if (sourceId == lapse.legacyId && !lapse.Lapsed && lapse.clock is { } clock)
                    {
                        clock.Advance(TimeSpan.FromSeconds(5));
                        lapse.Lapsed = true;
                        lapse.inLapsedAttempt = true;
                    }
                }

                return inner.FindBySourceIdAsync(sourceId, cancellationToken);
            }

            public Task<bool> UpdateFromSourceAsync(string partyId, SourceMasteredValues values, CancellationToken cancellationToken)
            {
                lock (lapse.gate)
                {
                    if (lapse.inLapsedAttempt)
                    {
                        lapse.StaleWrites++;
                    }
                }

                return inner.UpdateFromSourceAsync(partyId, values, cancellationToken);
            }
        }
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
