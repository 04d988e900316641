using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Dialtone.Legacy.Tests.Reconciliation;
using Dialtone.Legacy.Tests.Sync;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// While a person's erasure is staged but not yet delivered (legacy's record is locked by a batch job, so every write
/// to it is refused and retried), the erasure already holds: a contact change of the person still waiting neither
/// writes their contact data to legacy nor makes again the sync state the erasure emptied, and a reconciliation counts
/// the still-live legacy record as erasing, not as a record Dialtone cannot find. Its own LegacySim: the erasures here
/// erase legacy records for good.
/// </summary>
public sealed class LegacyErasureInFlight(LegacyErasureInFlight.ErasureLegacySim sim) : IClassFixture<LegacyErasureInFlight.ErasureLegacySim>
{
    /// <summary>The class's own LegacySim, with room for a dozen erasures (an erased legacy record is not imported again, so the list of imported persons shrinks).</summary>
    public sealed class ErasureLegacySim() : LegacySimFixture(120);

    private static readonly Dictionary<string, string?> PatientRetries = new(SyncWorld.FastSync(enabled: false))
    {
        // A locked record refuses with RECORD_LOCKED, which counts as a refused attempt: these changes wait it out.
        ["Dialtone:Legacy:Propagation:MaxAttempts"] = "10000",
    };

    [Fact]
    public async Task AContactChangeWaitingBehindAnErasureNeitherWritesTheErasedPersonsDataNorMakesTheirSyncStateAgain()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, PatientRetries);
        var person = (await LegacyWorld.ImportAsync(app))[10];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);
        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "before.erasure@example.org", "+4917012345610", "Vorweg 1")).StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "before.erasure@example.org");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 1);
        var before = (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version();
        var first = (await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.State == LegacyChangeStates.Delivered)).Id;

        await LockAsync(person.LegacyId);
        try
        {
            // The next contact change is refused while the record is locked; then the person is erased.
            Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "during.erasure@example.org", "+4917012345611", "Mittelweg 2")).StatusCode);
            var contact = await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.Attempts >= 1, first);
            Assert.Equal(HttpStatusCode.OK, await EraseAsync(customer));

            Assert.Null(await KeptHashesAsync(app, person.LegacyId));

            // Both are retried behind the lock: the contact change settles (the erasure supersedes it) or keeps being
            // refused; neither may make the record's sync state again.
            await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Erasure, c => c.State == LegacyChangeStates.Pending && c.Attempts >= 2);
            await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.State != LegacyChangeStates.Pending || c.Attempts >= contact.Attempts + 3, first);
            Assert.Null(await KeptHashesAsync(app, person.LegacyId));
        }
        finally
        {
            await UnlockAsync(person.LegacyId);
        }

        // Since the lock, Dialtone wrote the record once, and that was the erasure.
        await AssertErasureSettledAsync(app, person, before, first);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    public static TheoryData<TestDatabase> DatabasesOnly => DialtoneApps.Databases;

    public static TheoryData<TestDatabase, bool> DatabasesAndFirstStates
    {
        get
        {
            var data = new TheoryData<TestDatabase, bool>();
            foreach (var database in DialtoneApp.Databases)
            {
                data.Add(database, true);
                data.Add(database, false);
            }

            return data;
        }
    }

    /// <summary>
    /// The other order: an attempt of a contact change that legacy refuses (the record is locked) saves the record's
    /// sync state (its first, or one an earlier delivery made) just after the person's erasure ran from start to end.
    /// The erasure's mark on the state wins the race (the attempt's insert, or its update from a stale version, is
    /// refused and the attempt counted without it), so no keyed hash of the erased person's legacy values is kept, and
    /// the change gives way to the erasure: legacy's record is only erased.
    /// </summary>
    [Theory]
    [MemberData(nameof(DatabasesAndFirstStates))]
    public async Task AnAttemptSavingTheSyncStateJustAfterTheErasureKeepsNoHashOfThePerson(TestDatabase database, bool firstState)
    {
        var hook = new SyncStateSaveHook();
        await using var app = LegacyWorld.App(database, sim.Legacy, PatientRetries, s => LegacyWorld.Intercept(s, hook));
        hook.Services = app.Services;
        var person = (await LegacyWorld.ImportAsync(app))[30 + (database == TestDatabase.Postgres ? 2 : 0) + (firstState ? 0 : 1)];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);
        string? first = null;
        if (!firstState)
        {
            Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "before.erasure@example.org", "+4917012345629", "Vorweg 3")).StatusCode);
            first = (await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.State == LegacyChangeStates.Delivered)).Id;
            Assert.NotNull(await KeptHashesAsync(app, person.LegacyId));
        }

        var before = (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version();
        HttpStatusCode? erasure = null;
        hook.OtherWriter = async ct => erasure = await EraseAsync(customer, ct);
        hook.Arm(person.LegacyId);

        await LockAsync(person.LegacyId);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "after.erasure@example.org", "+4917012345630", "Nachweg 3")).StatusCode);
            await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Erasure, c => c.State == LegacyChangeStates.Pending && c.Attempts >= 1);
            Assert.Equal((1, HttpStatusCode.OK), (hook.Fired, erasure));
            Assert.True(hook.HashesAfterSave is null or "{}", $"The attempt's save kept hashes of the erased person's legacy values: {hook.HashesAfterSave}");
            Assert.Null(await KeptHashesAsync(app, person.LegacyId));
        }
        finally
        {
            await UnlockAsync(person.LegacyId);
        }

        await AssertErasureSettledAsync(app, person, before, first);
        // EF Core logs the refused insert of the attempt at Error; nothing else may have failed.
        AssertNoErrorsBut(app, "sync_states");
    }

    /// <summary>
    /// A contact change's delivery looks for an erasure of the person, and just before it reads the record's sync state
    /// the person's erasure request runs and fails half-way (after the legacy module staged the erasure and emptied the
    /// state, before the person was erased). The delivery's look again after the read finds the erasure: it writes
    /// nothing to legacy and keeps no hash while the erasure waits; asked again, the erasure completes and is legacy's
    /// only write.
    /// </summary>
    [Theory]
    [MemberData(nameof(DatabasesOnly))]
    public async Task ADeliveryThatReadsTheSyncStateAfterAnErasureWasStagedWritesNothing(TestDatabase database)
    {
        var (hook, failing) = (new SyncStateReadHook(), new FailingHolder());
        await using var app = LegacyWorld.App(database, sim.Legacy, PatientRetries, s =>
        {
            LegacyWorld.Intercept(s, hook);
            s.AddSingleton<IPersonalDataHolder>(failing);
        });
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 42 : 43];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);
        var before = (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version();
        HttpStatusCode? erasure = null;
        hook.OtherWriter = async ct => erasure = await EraseAsync(customer, ct);
        hook.Arm(person.LegacyId);

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "read.after@example.org", "+4917012345650", "Lesweg 5")).StatusCode);
        var waiting = await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.LastError == LegacyChangeDelivery.AwaitingErasure);
        Assert.Equal((1, HttpStatusCode.InternalServerError, LegacyChangeStates.Pending), (hook.Fired, erasure, waiting.State));
        Assert.Null(await KeptHashesAsync(app, person.LegacyId));
        Assert.Empty(WritesSince(person.LegacyId, before));

        failing.Fails = false;
        Assert.Equal(HttpStatusCode.OK, await EraseAsync(customer));

        await AssertErasureSettledAsync(app, person, before);
        AssertNoErrorsBut(app, FailingHolder.Failure);
    }

    /// <summary>
    /// A delivery that overwrote a legacy agent's edit (and reported it, with the agent's value) loses its save to the
    /// person's erasure, which ran just before it: the redo finds the erasure and settles the change — the report of the
    /// erased person's legacy value is not saved again, and none is left.
    /// </summary>
    [Theory]
    [MemberData(nameof(DatabasesOnly))]
    public async Task AReportOfADeliveryThatLostItsSaveToTheErasureIsNotKept(TestDatabase database)
    {
        var hook = new SyncStateSaveHook();
        await using var app = LegacyWorld.App(database, sim.Legacy, PatientRetries, s => LegacyWorld.Intercept(s, hook));
        hook.Services = app.Services;
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 44 : 45];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);
        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "first.report@example.org", "+4917012345652", "Meldeweg 5")).StatusCode);
        var first = (await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.State == LegacyChangeStates.Delivered)).Id;
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "email", "agent.edit@example.org");
        HttpStatusCode? erasure = null;
        hook.OtherWriter = async ct => erasure = await EraseAsync(customer, ct);
        hook.Arm(person.LegacyId);

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "second.report@example.org", "+4917012345653", "Meldeweg 6")).StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Status") == "X");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        Assert.Equal((1, HttpStatusCode.OK), (hook.Fired, erasure));
        Assert.Equal(LegacyChangeStates.Delivered, (await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.State != LegacyChangeStates.Pending, first)).State);
        Assert.Equal(0, hook.ReportsSavedAfter);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<LegacyDbContext>().Conflicts.AnyAsync(c => c.PartyId == person.PartyId));
        }

        Assert.False(await HasSyncStateAsync(app, person.LegacyId));
        AssertNoErrorsBut(app, "sync_states");
    }

    /// <summary>
    /// While a person's erasure is staged (here its request failed half-way, so the person is not erased yet), the
    /// change-feed sync takes nothing of theirs from legacy: a legacy agent's edit of their email is neither reported
    /// (the report would hold the agent's value) nor hashed into the record's sync state, and the entry counts as skipped.
    /// </summary>
    [Theory]
    [MemberData(nameof(DatabasesOnly))]
    public async Task TheChangeFeedTakesNothingOfAPersonWhoseErasureIsStaged(TestDatabase database)
    {
        var failing = new FailingHolder();
        var settings = new Dictionary<string, string?>(SyncWorld.FastSync()) { ["Dialtone:Legacy:Propagation:MaxAttempts"] = "10000" };
        await using var app = LegacyWorld.App(database, sim.Legacy, settings, s => s.AddSingleton<IPersonalDataHolder>(failing));
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 46 : 47];
        var baseline = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        Assert.Equal(HttpStatusCode.InternalServerError, await EraseAsync(LegacyWorld.Customer(app, person)));

        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "email", $"agent.{database}@example.org".ToLowerInvariant());
        var status = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));

        Assert.True(status["skipped"]!.GetValue<long>() > baseline["skipped"]!.GetValue<long>(), status.ToJsonString());
        Assert.Equal(baseline["conflicts"]!.GetValue<long>(), status["conflicts"]!.GetValue<long>());
        Assert.Empty(await SyncWorld.ConflictsAsync(app, person));
        Assert.Null(await KeptHashesAsync(app, person.LegacyId));
        AssertNoErrorsBut(app, FailingHolder.Failure);
    }

    /// <summary>
    /// An erasure request that fails half-way (a module after the legacy one fails) and is not asked again leaves an
    /// erasure staged for a person who is not erased: the person's later change waits behind it only until
    /// <c>ErasureRequestTimeout</c>; then the erasure is abandoned (counted, never delivered) and the change delivered,
    /// and legacy's record is not erased. When the person asks again and is erased, legacy learns it.
    /// </summary>
    [Theory]
    [MemberData(nameof(DatabasesOnly))]
    public async Task AnErasureRequestThatFailedHalfWayHoldsThePersonsLaterChangesOnlyUntilItsTimeout(TestDatabase database)
    {
        var failing = new FailingHolder();
        var settings = new Dictionary<string, string?>(PatientRetries) { ["Dialtone:Legacy:Propagation:ErasureRequestTimeout"] = "00:10:00" };
        await using var app = LegacyWorld.App(database, sim.Legacy, settings, s => s.AddSingleton<IPersonalDataHolder>(failing));
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 40 : 41];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);
        Assert.Equal(HttpStatusCode.InternalServerError, await EraseAsync(customer));

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "not.erased@example.org", "+4917012345640", "Bleibeweg 4")).StatusCode);
        var waiting = await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.LastError == LegacyChangeDelivery.AwaitingErasure);
        Assert.Equal(LegacyChangeStates.Pending, waiting.State);
        Assert.NotEqual("not.erased@example.org", (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Field("Email"));

        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "not.erased@example.org");
        // Delivered, not only its email written: the address write follows it, and legacy's version is read after both.
        await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.State == LegacyChangeStates.Delivered);
        var abandoned = await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Erasure, c => c.State == LegacyChangeStates.Abandoned);
        Assert.Equal(LegacyChangeDelivery.ErasureNotCompleted, abandoned.LastError);
        var status = await admin.GetJsonAsync("/admin/legacy/propagation");
        Assert.Equal((1, 0), (status["abandonedErasures"]!.GetValue<int>(), status["deadLetters"]!.GetValue<int>()));
        var delivered = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);
        Assert.NotEqual("X", delivered.Field("Status"));

        // Asked again, the erasure completes: the abandoned erasure is released with the new one, and legacy's record erased once.
        failing.Fails = false;
        Assert.Equal(HttpStatusCode.OK, await EraseAsync(customer));

        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Status") == "X");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["abandonedErasures"]!.GetValue<int>() == 0);
        Assert.Equal(["EraseCustomer"], WritesSince(person.LegacyId, delivered.Version()));
        Assert.Equal(0, (await admin.GetJsonAsync("/admin/legacy/propagation"))["deadLetters"]!.GetValue<int>());
        Assert.False(await HasSyncStateAsync(app, person.LegacyId));
        AssertNoErrorsBut(app, FailingHolder.Failure);
    }

    /// <summary>
    /// An erasure request that fails half-way and is followed by nothing of the person is abandoned by the sweep once
    /// <c>ErasureRequestTimeout</c> has passed (not before), so the operator sees it counted without waiting for a
    /// change of the person that may never come.
    /// </summary>
    [Theory]
    [MemberData(nameof(DatabasesOnly))]
    public async Task AnErasureRequestThatFailedHalfWayAndIsFollowedByNothingIsAbandonedByTheSweepAfterItsTimeout(TestDatabase database)
    {
        var failing = new FailingHolder();
        var settings = new Dictionary<string, string?>(PatientRetries) { ["Dialtone:Legacy:Propagation:ErasureRequestTimeout"] = "00:10:00" };
        await using var app = LegacyWorld.App(database, sim.Legacy, settings, s => s.AddSingleton<IPersonalDataHolder>(failing));
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 48 : 49];
        var sweep = app.Services.GetRequiredService<LegacyChangeRetention>();
        Assert.Equal(HttpStatusCode.InternalServerError, await EraseAsync(LegacyWorld.Customer(app, person)));
        await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Erasure, c => c.State == LegacyChangeStates.AwaitingErasure);

        app.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await sweep.AbandonUnfinishedErasuresOnceAsync(CancellationToken.None));
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await sweep.AbandonUnfinishedErasuresOnceAsync(CancellationToken.None));
        Assert.Equal(0, await sweep.AbandonUnfinishedErasuresOnceAsync(CancellationToken.None));

        var abandoned = await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Erasure, c => c.State == LegacyChangeStates.Abandoned);
        Assert.Equal(LegacyChangeDelivery.ErasureNotCompleted, abandoned.LastError);
        Assert.Equal(1, (await app.Admin().GetJsonAsync("/admin/legacy/propagation"))["abandonedErasures"]!.GetValue<int>());
        Assert.NotEqual("X", (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Field("Status"));
        AssertNoErrorsBut(app, FailingHolder.Failure);
    }

    /// <summary>A module that erases after the legacy one and before the parties one, and fails while <see cref="Fails"/>.</summary>
    private sealed class FailingHolder : IPersonalDataHolder
    {
        public const string Failure = "The test's module failed its part of the erasure.";

        public volatile bool Fails = true;

        public string Module => "failingTestModule";

        public int ErasureOrder => -5;

        public Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken) => Task.FromResult<JsonNode>(new JsonObject());

        public Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

        public Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken) =>
            Fails ? throw new InvalidOperationException(Failure) : Task.CompletedTask;
    }

    [Fact]
    public async Task ALegacyRecordWhoseErasureIsOnItsWayIsCountedErasingNotNotFound()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, PatientRetries);
        var person = (await LegacyWorld.ImportAsync(app))[20];
        var admin = app.Admin();
        var baseline = (await LegacyReconciliationJobs.RunAsync(admin, "report"))["progress"]!;
        Assert.Equal(0, baseline["erasing"]!.GetValue<int>());

        await LockAsync(person.LegacyId);
        try
        {
            Assert.Equal(HttpStatusCode.OK, await EraseAsync(LegacyWorld.Customer(app, person)));

            await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Erasure, c => c.State == LegacyChangeStates.Pending && c.Attempts >= 1);
            var during = (await LegacyReconciliationJobs.RunAsync(admin, "report"))["progress"]!;
            Assert.Equal(1, during["erasing"]!.GetValue<int>());
            Assert.Equal(baseline["notFound"]!.GetValue<int>(), during["notFound"]!.GetValue<int>());
            Assert.Equal(baseline["compared"]!.GetValue<int>() - 1, during["compared"]!.GetValue<int>());
            Assert.Equal(baseline["legacyRecords"]!.GetValue<int>(), during["legacyRecords"]!.GetValue<int>());
        }
        finally
        {
            await UnlockAsync(person.LegacyId);
        }

        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Status") == "X");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        var after = (await LegacyReconciliationJobs.RunAsync(admin, "report"))["progress"]!;
        Assert.Equal(0, after["erasing"]!.GetValue<int>());
        Assert.Equal(baseline["notFound"]!.GetValue<int>(), after["notFound"]!.GetValue<int>());
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    /// <summary>
    /// Once legacy's record is erased and nothing is pending: the erasure was legacy's one write of the record since
    /// <paramref name="version"/>, the record's sync state is gone, the person's contact change (but
    /// <paramref name="except"/>) was settled, and nothing went to the dead letters.
    /// </summary>
    private async Task AssertErasureSettledAsync(DialtoneApp app, ImportedPerson person, long version, string? except = null)
    {
        var legacy = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Status") == "X");
        var status = await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        Assert.Equal(version + 1, legacy.Version());
        // LegacySim logs each write as it answers it; its output reaches the test through the child process's pipe, which
        // may come after the record read above (seen once in CI: the record erased, its log line not yet read).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (WritesSince(person.LegacyId, version).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(["EraseCustomer"], WritesSince(person.LegacyId, version));
        Assert.False(await HasSyncStateAsync(app, person.LegacyId));
        Assert.Equal(LegacyChangeStates.Delivered, (await WaitForChangeAsync(app, person.PartyId, LegacyChangeKinds.Contact, c => c.State != LegacyChangeStates.Pending, except)).State);
        Assert.Equal(0, status["deadLetters"]!.GetValue<int>());
    }

    /// <summary>The person's GDPR erasure through self-service: its status.</summary>
    private static async Task<HttpStatusCode> EraseAsync(HttpClient customer, CancellationToken cancellationToken = default)
    {
        using var erased = await customer.PostAsync("/selfservice/me/erasure", null, cancellationToken);
        return erased.StatusCode;
    }

    /// <summary>No unexpected error was logged but those naming <paramref name="expected"/> (the test's own failure, or EF Core's log of a refused save).</summary>
    private static void AssertNoErrorsBut(DialtoneApp app, string expected)
    {
        var errors = LegacyWorld.UnexpectedErrors(app).Where(e => !e.Contains(expected, StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>The operations Dialtone wrote legacy's record with since its version was <paramref name="version"/> (LegacySim logs every call with the record's version).</summary>
    private List<string> WritesSince(string legacyId, long version) =>
        [.. sim.Legacy.Output.Select(l => Regex.Match(l, $@"(\w+) record {Regex.Escape(legacyId)} version (\d+) origin DIALTONE"))
            .Where(m => m.Success && long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) > version).Select(m => m.Groups[1].Value)
            .Where(operation => !operation.StartsWith("Get", StringComparison.Ordinal))];

    private async Task LockAsync(string legacyId)
    {
        using var locked = await sim.Legacy.AdminAsync(HttpMethod.Put, $"/admin/locks/{legacyId}");
        Assert.True(locked.IsSuccessStatusCode, await locked.Content.ReadAsStringAsync());
    }

    private async Task UnlockAsync(string legacyId)
    {
        using var unlocked = await sim.Legacy.AdminAsync(HttpMethod.Delete, $"/admin/locks/{legacyId}");
        Assert.True(unlocked.IsSuccessStatusCode, await unlocked.Content.ReadAsStringAsync());
    }

    /// <summary>Polls the person's one change of a kind (but <paramref name="except"/>) until <paramref name="condition"/> holds (at most 30 s).</summary>
    private static async Task<LegacyChange> WaitForChangeAsync(DialtoneApp app, string partyId, string kind, Func<LegacyChange, bool> condition, string? except = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var changes = await scope.ServiceProvider.GetRequiredService<LegacyDbContext>().Changes.AsNoTracking()
                    .Where(c => c.PartyId == partyId && c.Kind == kind && c.Id != except).ToListAsync();
                if (changes is [var change] && condition(change))
                {
                    return change;
                }

                Assert.True(DateTime.UtcNow < deadline, $"The {kind} change of {partyId} did not reach the expected state: "
                    + string.Join("; ", changes.Select(c => $"{c.State} after {c.Attempts} attempts ({c.LastError})")));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The keyed hashes of a legacy record's values Dialtone keeps, if any (an erasure in flight leaves the record's state without any).</summary>
    private static async Task<string?> KeptHashesAsync(DialtoneApp app, string legacyId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        var hashes = (await db.SyncStates.AsNoTracking().FirstOrDefaultAsync(s => s.LegacyCustomerId == legacyId))?.FieldHashes;
        return hashes is null or "{}" ? null : hashes;
    }

    private static async Task<bool> HasSyncStateAsync(DialtoneApp app, string legacyId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LegacyDbContext>().SyncStates.AnyAsync(s => s.LegacyCustomerId == legacyId);
    }
}
