using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// A legacy record's sync state (its version and field hashes) is written by the propagation and by the change-feed
/// sync: it carries a concurrency token, so of two writers working from the same copy the second fails its save
/// instead of overwriting the first's hashes, and a delivery that meets this is done again from fresh reads.
/// </summary>
public sealed class LegacySyncStateWriters(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task OfTwoWritersFromTheSameCopyTheSecondFailsItsSave(TestDatabase database)
    {
        await using var app = LegacyWorld.App(database, sim.Legacy);
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync("/admin/legacy/propagation")).StatusCode);
        var now = app.Clock.GetUtcNow();
        await using (var setup = app.Services.CreateAsyncScope())
        {
            var db = setup.ServiceProvider.GetRequiredService<LegacyDbContext>();
            db.SyncStates.Add(new LegacySyncState { LegacyCustomerId = "C-WRITERS", LastVersion = 3, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        await using var feed = app.Services.CreateAsyncScope();
        await using var propagation = app.Services.CreateAsyncScope();
        var feedDb = feed.ServiceProvider.GetRequiredService<LegacyDbContext>();
        var propagationDb = propagation.ServiceProvider.GetRequiredService<LegacyDbContext>();
        var feedCopy = await feedDb.SyncStates.SingleAsync(s => s.LegacyCustomerId == "C-WRITERS");
        var propagationCopy = await propagationDb.SyncStates.SingleAsync(s => s.LegacyCustomerId == "C-WRITERS");

        feedCopy.FieldHashes = """{"phone":"seen-by-the-feed"}""";
        feedCopy.Touch(now);
        await feedDb.SaveChangesAsync();

        propagationCopy.FieldHashes = """{"email":"written-by-the-propagation"}""";
        propagationCopy.Touch(now);
        var conflict = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => propagationDb.SaveChangesAsync());
        Assert.True(LegacySyncState.OnlyStatesConflicted(conflict));

        await using var check = app.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<LegacyDbContext>().SyncStates.AsNoTracking().SingleAsync(s => s.LegacyCustomerId == "C-WRITERS");
        Assert.Equal("""{"phone":"seen-by-the-feed"}""", stored.FieldHashes);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task ADeliveryWhoseSyncStateWasWrittenMeanwhileIsDoneAgainFromFreshReadsAndWritesLegacyOnce()
    {
        var writer = new SecondWriter();
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy,
            services: s => s.AddHttpClient<LegacyCustomerService>(LegacyResilience.ClientName).AddHttpMessageHandler(() => new SecondWriterHandler(writer)));
        writer.Services = app.Services;
        var person = (await LegacyWorld.ImportAsync(app))[12];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);

        // A first delivery makes the record's sync state.
        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "first.writer@example.org", "+4917012345612", "Schreiberweg 1")).StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "first.writer@example.org");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 1);
        // Read once the delivery is done: the email shows after its first write, the address write follows.
        var before = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);

        // The next delivery's write to legacy is the moment another writer (the feed, say) writes the same sync state.
        writer.LegacyId = person.LegacyId;
        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "second.writer@example.org", "+4917012345612", "Schreiberweg 1")).StatusCode);
        var after = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "second.writer@example.org");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 2);

        Assert.Equal(1, writer.Bumps);
        Assert.True(writer.ReadsAfterBump >= 1, "The delivery was not done again after its sync state changed under it.");
        Assert.Equal(before.Version() + 1, (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version());
        Assert.Equal(after.Version(), (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version());
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        var changes = await db.Changes.AsNoTracking().Where(c => c.PartyId == person.PartyId).ToListAsync();
        Assert.All(changes, c => Assert.Equal((LegacyChangeStates.Delivered, 0), (c.State, c.Attempts)));
        var state = await db.SyncStates.AsNoTracking().SingleAsync(s => s.LegacyCustomerId == person.LegacyId);
        Assert.Equal(after.Version(), state.LastVersion);
        Assert.True(state.Version > writer.BumpedTo, $"The delivery's state ({state.Version}) was not written on top of the other writer's ({writer.BumpedTo}).");
        Assert.Empty(await admin.GetJsonArrayAsync($"/admin/legacy/conflicts?partyId={person.PartyId}"));
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    /// <summary>
    /// Two writers making a record's first sync state at once (the feed saw the record while its first delivery ran):
    /// the delivery's insert is refused by the key, which is the same conflict as a stale copy — the delivery is done
    /// again from fresh reads, not counted as a failed attempt and rescheduled.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ADeliveryWhoseFirstSyncStateAnotherWriterMadeMeanwhileIsDoneAgainNotCountedAsAFailedAttempt(TestDatabase database)
    {
        var hook = new SyncStateSaveHook();
        await using var app = LegacyWorld.App(database, sim.Legacy, services: s => LegacyWorld.Intercept(s, hook));
        hook.Services = app.Services;
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 14 : 15];
        var admin = app.Admin();
        var email = $"first.state.{database}@example.org".ToLowerInvariant();
        hook.Arm(person.LegacyId);

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(LegacyWorld.Customer(app, person), person, email, "+4917012345614", "Erstweg 1")).StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == email);
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 1);
        var legacy = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);

        Assert.Equal(1, hook.Fired);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        var change = await db.Changes.AsNoTracking().SingleAsync(c => c.PartyId == person.PartyId);
        Assert.Equal((LegacyChangeStates.Delivered, 0, (string?)null), (change.State, change.Attempts, change.LastError));
        var state = await db.SyncStates.AsNoTracking().SingleAsync(s => s.LegacyCustomerId == person.LegacyId);
        Assert.Equal(legacy.Version(), state.LastVersion);
        Assert.True(state.Version >= 1, $"The redo did not write the state on top of the other writer's ({state.Version}).");
        Assert.Equal(legacy.Version(), (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version());
        // EF Core logs the refused insert at Error; nothing else may have failed.
        var errors = LegacyWorld.UnexpectedErrors(app).Where(e => !e.Contains("sync_states", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>
    /// A delivery that overwrote a legacy user's edit (and reported it) and then lost its save to another writer of the
    /// sync state is done again: legacy then already holds Dialtone's value, so the redo finds nothing to report — the
    /// first attempt's report, which describes a write that really happened, must survive the redo.
    /// </summary>
    [Fact]
    public async Task AnEditOverwrittenByADeliveryThatWasDoneAgainIsStillReportedOnce()
    {
        var writer = new SecondWriter();
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy,
            services: s => s.AddHttpClient<LegacyCustomerService>(LegacyResilience.ClientName).AddHttpMessageHandler(() => new SecondWriterHandler(writer)));
        writer.Services = app.Services;
        var person = (await LegacyWorld.ImportAsync(app))[13];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "first.report@example.org", "+4917012345613", "Meldeweg 1")).StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "first.report@example.org");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 1);
        // Read once the delivery is done: the email shows after its first write, the address write follows.
        var synced = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);

        // One of legacy's own users changes the email; then the customer changes theirs, and the delivery's write to legacy
        // is the moment another writer writes the record's sync state.
        await LegacyWorld.LegacyUserWriteAsync(sim.Legacy, "UpdateContact", ("CustomerId", person.LegacyId), ("ExpectedVersion", synced.Version()), ("Email", "agent.typed@example.org"));
        writer.LegacyId = person.LegacyId;
        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "second.report@example.org", "+4917012345613", "Meldeweg 1")).StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "second.report@example.org");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 2);

        Assert.Equal(1, writer.Bumps);
        Assert.True(writer.ReadsAfterBump >= 1, "The delivery was not done again after its sync state changed under it.");
        var conflict = Assert.Single(await admin.GetJsonArrayAsync($"/admin/legacy/conflicts?partyId={person.PartyId}"));
        Assert.Equal("email", conflict!["field"]!.GetValue<string>());
        Assert.Equal("agent.typed@example.org", conflict["overwrittenLegacyValue"]!.GetValue<string>());
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    /// <summary>Writes a record's sync state once, at the moment the propagation sends its first write for the record, and counts legacy reads after it.</summary>
    private sealed class SecondWriter
    {
        public IServiceProvider? Services { get; set; }

        public string? LegacyId { get; set; }

        public int Bumps { get; set; }

        public long BumpedTo { get; set; }

        public int ReadsAfterBump { get; set; }

        public async Task BumpAsync()
        {
            await using var scope = Services!.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
            var state = await db.SyncStates.SingleAsync(s => s.LegacyCustomerId == LegacyId);
            state.Touch(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            BumpedTo = state.Version;
            Bumps++;
        }
    }

    private sealed class SecondWriterHandler(SecondWriter writer) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (writer.LegacyId is { } id && request.Content is not null && (await request.Content.ReadAsStringAsync(cancellationToken)) is var body
                && body.Contains($">{id}<", StringComparison.Ordinal))
            {
                if (body.Contains("UpdateContact", StringComparison.Ordinal) && writer.Bumps == 0)
                {
                    await writer.BumpAsync();
                }
                else if (writer.Bumps > 0 && body.Contains("GetCustomer", StringComparison.Ordinal))
                {
                    writer.ReadsAfterBump++;
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
