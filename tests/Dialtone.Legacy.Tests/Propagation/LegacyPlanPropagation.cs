using Dialtone.Legacy.Tests.Sync;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Handlers;
using Dialtone.Legacy.Persistence;
using Dialtone.Platform.Hub;
using Dialtone.Platform.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// A migrated line's plan change in Dialtone (a TMF622 modify order, completed against the network stand-in) reaches
/// the legacy subscription as the operator's legacy plan code, with the order's trace id; an offering without a legacy
/// code is dead-lettered until the mapping exists. Also the propagation's robustness: a failing write of Dialtone's own
/// during a delivery ends in the dead letters instead of leaving the change pending for ever, and an event handled
/// twice captures one change.
/// </summary>
public sealed class LegacyPlanPropagation(SmallLegacySim sim) : IClassFixture<SmallLegacySim>, IAsyncLifetime
{
    private readonly string networkDirectory = Path.Combine(Path.GetTempPath(), "dialtone-legacy-network-" + Guid.NewGuid().ToString("N"));
    private StandinProcess network = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(networkDirectory);
        network = await StandinProcess.StartAsync("Dialtone.NetworkSim", networkDirectory);
    }

    public async Task DisposeAsync()
    {
        await network.DisposeAsync();
        DialtoneApp.TryDelete(networkDirectory);
    }

    [Fact]
    public async Task APlanChangeOrderReachesTheLegacySubscriptionAndAnUnmappedOfferingWaitsInTheDeadLetters()
    {
        await using var app = App();
        var admin = app.Admin();
        var mapping = await LegacyWorld.MapPlansAsync(admin);
        var people = await LegacyWorld.ImportAsync(app);
        var start = mapping["PLN-S10"];
        var lines = await StartLinesAsync(admin, people, start, 2);

        // A customer moves their migrated line from Start to Max: legacy's subscription gets PLN-L50, with the order's trace.
        var (person, productId, subscriptionId) = lines[0];
        var traceId = LegacyWorld.NewTraceId();
        await LegacyWorld.ChangePlanAsync(LegacyWorld.Customer(app, person), admin, network, productId, mapping["PLN-L50"], traceId);
        var legacy = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.PlanCodes()[subscriptionId] == "PLN-L50");
        await WaitForLogAsync($"ChangePlan record {person.LegacyId} ", traceId);
        var status = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        Assert.Equal(0, status["deadLetters"]!.GetValue<int>());
        Assert.Equal(legacy.Version(), (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Version());

        // Another moves to 5G Unlimited, which no legacy code maps to: the change is dead-lettered, saying so.
        var (other, otherProduct, otherSubscription) = lines[1];
        var unlimited = await Orders.OfferingIdAsync(admin, "5G Unlimited");
        await LegacyWorld.ChangePlanAsync(LegacyWorld.Customer(app, other), admin, network, otherProduct, unlimited);
        var letters = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/deadLetters", l => l.AsArray().Any(d => d!["partyId"]!.GetValue<string>() == other.PartyId));
        var letter = letters.AsArray().Single(d => d!["partyId"]!.GetValue<string>() == other.PartyId)!;
        var detail = await admin.GetJsonAsync($"/admin/legacy/deadLetters/{letter.Id()}");
        Assert.Equal("plan", detail["kind"]!.GetValue<string>());
        Assert.StartsWith(LegacyPlanDelivery.PlanNotMapped, detail["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(unlimited, detail["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(start, mapping[(await LegacyWorld.LegacyCustomerAsync(sim.Legacy, other.LegacyId)).PlanCodes()[otherSubscription]]);

        // The operator maps OLD_UNLTD to it and replays: the current plan goes to legacy.
        await LegacyWorld.MapPlansAsync(admin, new Dictionary<string, string> { ["OLD_UNLTD"] = unlimited });
        using (var replay = await admin.PostAsync($"/admin/legacy/deadLetters/{letter.Id()}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, other.LegacyId, c => c.PlanCodes()[otherSubscription] == "OLD_UNLTD");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["deadLetters"]!.GetValue<int>() == 0);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task ALegacyEditOfAMigratedLinesPlanIsReportedAndLegacyConvergesBackToDialtonesPlan()
    {
        await using var app = App(SyncWorld.FastSync());
        var admin = app.Admin();
        var mapping = await LegacyWorld.MapPlansAsync(admin);
        var people = await LegacyWorld.ImportAsync(app);
        var lines = await StartLinesAsync(admin, people, mapping["PLN-S10"], 2);
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));

        // A legacy agent moves a migrated 5G Start line to PLN-M25 (5G Plus): Dialtone masters plans, so the edit is
        // reported and the line's plan propagated again (5G Start's first code, PLN-S10).
        var (person, _, subscriptionId) = lines[0];
        await LegacyPlanEditAsync(person.LegacyId, subscriptionId, "PLN-M25");
        var conflicts = await LegacyWorld.WaitForAsync(admin, $"/admin/legacy/conflicts?partyId={person.PartyId}", c => c.AsArray().Count > 0);
        var conflict = conflicts.AsArray().Single()!;
        Assert.Equal("plan", conflict["field"]!.GetValue<string>());
        Assert.Equal("fromLegacy", conflict["direction"]!.GetValue<string>());
        Assert.Equal("dialtoneWins", conflict["resolution"]!.GetValue<string>());
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.PlanCodes()[subscriptionId] == "PLN-S10");

        // Another agent moves a line to TAR2009X, another code of the same plan: no conflict, and legacy is not written.
        var (other, _, otherSubscription) = lines[1];
        var version = await LegacyPlanEditAsync(other.LegacyId, otherSubscription, "TAR2009X");
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["deadLetters"]!.GetValue<int>() == 0);
        Assert.Empty(await SyncWorld.ConflictsAsync(app, other));
        var legacy = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, other.LegacyId);
        Assert.Equal("TAR2009X", legacy.PlanCodes()[otherSubscription]);
        Assert.Equal(version, legacy.Version());
        Assert.Single(await SyncWorld.ConflictsAsync(app, person));
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task AReconciliationFindsALinesPlanChangedInLegacyAndRepairLegacyBringsDialtonesPlanBack()
    {
        await using var app = App();
        var admin = app.Admin();
        var mapping = await LegacyWorld.MapPlansAsync(admin);
        var people = await LegacyWorld.ImportAsync(app);
        var (person, _, subscriptionId) = (await StartLinesAsync(admin, people, mapping["PLN-S10"], 3))[2];
        await LegacyPlanEditAsync(person.LegacyId, subscriptionId, "PLN-L50");

        var report = await Reconciliation.LegacyReconciliationJobs.RunAsync(admin, "report");
        Assert.Contains("plan:toLegacy", (await Reconciliation.LegacyReconciliationJobs.DriftAsync(admin, report))[person.LegacyId]);
        Assert.True(report["drift"]!["plan"]!["toLegacy"]!.GetValue<int>() >= 1, report.ToJsonString());
        Assert.Equal("PLN-L50", (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).PlanCodes()[subscriptionId]);

        await Reconciliation.LegacyReconciliationJobs.RunAsync(admin, "repairLegacy");
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.PlanCodes()[subscriptionId] == "PLN-S10");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["deadLetters"]!.GetValue<int>() == 0);
        var again = await Reconciliation.LegacyReconciliationJobs.DriftAsync(admin, await Reconciliation.LegacyReconciliationJobs.RunAsync(admin, "report"));
        Assert.DoesNotContain("plan:toLegacy", again.GetValueOrDefault(person.LegacyId) ?? []);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task ARepairLegacyReportsALinesPlanNoLegacyCodeMapsAsUnrepairableInsteadOfStagingAChangeThatDeadLetters()
    {
        await using var app = App();
        var admin = app.Admin();
        var mapping = await LegacyWorld.MapPlansAsync(admin);
        var people = await LegacyWorld.ImportAsync(app);
        var start = mapping["PLN-S10"];
        var (person, _, subscriptionId) = (await StartLinesAsync(admin, people, start, 4))[3];

        // The operator's table loses 5G Start's codes: no legacy code maps to the offering of the person's line any more.
        var table = new JsonObject
        {
            ["mappings"] = new JsonArray([.. mapping.Where(m => m.Value != start).Select(m => new JsonObject { ["legacyPlanCode"] = m.Key, ["productOfferingId"] = m.Value })]),
        };
        using (var put = await admin.PutAsync("/admin/legacy/planMappings", TmfHttp.Json(table)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var repair = await Reconciliation.LegacyReconciliationJobs.RunAsync(admin, "repairLegacy");
        var drift = await admin.GetJsonArrayAsync($"{repair["href"]}/drift?limit=1000");
        var record = drift.Single(d => d!["legacyCustomerId"]!.GetValue<string>() == person.LegacyId)!;
        Assert.Contains(record["fields"]!.AsArray(), f => f!["field"]!.GetValue<string>() == "plan" && f["direction"]!.GetValue<string>() == "toLegacy");
        Assert.Contains("unrepairable:PLAN_NOT_MAPPED", record["repair"]!.GetValue<string>(), StringComparison.Ordinal);
        var unrepairable = drift.Count(d => d!["repair"]!.GetValue<string>().Contains("unrepairable:PLAN_NOT_MAPPED", StringComparison.Ordinal));
        Assert.Equal(unrepairable, repair["progress"]!["unrepairable"]!.GetValue<int>());
        Assert.True(repair["drift"]!["plan"]!["toLegacy"]!.GetValue<int>() >= unrepairable, repair.ToJsonString());

        // Nothing was staged that could only be dead-lettered: no plan change at all, legacy's line as it was.
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        Assert.Equal(0, (await admin.GetJsonAsync("/admin/legacy/propagation"))["deadLetters"]!.GetValue<int>());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<LegacyDbContext>().Changes.CountAsync(c => c.Kind == LegacyChangeKinds.Plan));
        }

        Assert.Equal("PLN-S10", (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).PlanCodes()[subscriptionId]);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task AFailingWriteOfDialtonesOwnDuringADeliveryEndsInTheDeadLettersNotPendingForEver()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[10];
        var admin = app.Admin();
        using var meters = new LegacyMeterReadings(app);
        // The first delivery for a legacy record writes its sync state; the database refuses that insert (a real SQLite
        // constraint failure, as a unique violation or a full disk would be), so SaveChanges throws DbUpdateException.
        await ExecuteAsync(app, "CREATE TRIGGER legacy_test_refuse_sync BEFORE INSERT ON legacy_sync_states BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(LegacyWorld.Customer(app, person), person, "refused@example.org", "+4917012345610", "Teststraße 1")).StatusCode);
        var letters = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/deadLetters", l => l.AsArray().Any(d => d!["partyId"]!.GetValue<string>() == person.PartyId));
        var letter = letters.AsArray().Single(d => d!["partyId"]!.GetValue<string>() == person.PartyId)!;
        var detail = await admin.GetJsonAsync($"/admin/legacy/deadLetters/{letter.Id()}");
        Assert.Equal(3, detail["attempts"]!.GetValue<int>());
        Assert.StartsWith("DbUpdateException", detail["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await admin.GetJsonAsync("/admin/legacy/propagation"))["pending"]!.GetValue<int>());
        await meters.WaitForAsync(m => m.Value("dialtone.legacy.propagation.dead_letters") == 1 && m.Value("dialtone.legacy.propagation.dead_lettered") == 1
                                       && m.Value("dialtone.legacy.propagation.queue_depth") == 0);

        // Once the database takes the write again, the replay delivers it.
        await ExecuteAsync(app, "DROP TRIGGER legacy_test_refuse_sync;");
        using (var replay = await admin.PostAsync($"/admin/legacy/deadLetters/{letter.Id()}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "refused@example.org");
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["deadLetters"]!.GetValue<int>() == 0);
        // EF Core logs each refused save (the command and the exception) at Error; nothing else may have failed.
        var errors = LegacyWorld.UnexpectedErrors(app)
            .Where(e => !e.Contains("refused by the test", StringComparison.Ordinal) && !e.Contains("INSERT INTO \"legacy_sync_states\"", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task AnEventHandledTwiceCapturesOneChange()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[11];
        var services = app.Services;
        var protector = services.GetRequiredService<PersonalDataProtector>();
        var body = new JsonObject { ["eventId"] = Guid.NewGuid().ToString(), ["correlationId"] = LegacyWorld.NewTraceId() };
        // What the parties module wrote to the outbox for a change of the person, delivered twice (a retry of the chain
        // it shares with the hub's fan-out).
        var message = new TmfEventMessage("party", body["eventId"]!.GetValue<string>(), "IndividualAttributeValueChangeEvent", "individual", person.PartyId, 2,
            protector.Protect(body.ToJsonString()));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await LegacyChangeCaptureHandler.Handle(message, services.GetRequiredService<IServiceScopeFactory>(), protector, TimeProvider.System,
                NullLogger<PropagateLegacyChange>.Instance, CancellationToken.None);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
        Assert.Equal(1, await db.Changes.CountAsync(c => c.PartyId == person.PartyId));
        await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 1);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    private DialtoneApp App(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Dialtone:SeedDemoData"] = "true",
            ["Dialtone:DemoSubscribers"] = "0",
            ["Dialtone:Ordering:Network:BaseUrl"] = network.BaseUrl + "/",
            ["Dialtone:Ordering:Smdp:BaseUrl"] = network.BaseUrl + "/",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, settings);
    }

    /// <summary>A legacy agent changes a subscription's plan code in the old CRM (origin LEGACY-CRM); answers the record's new version.</summary>
    private async Task<long> LegacyPlanEditAsync(string legacyId, string subscriptionId, string planCode)
    {
        var version = (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, legacyId)).Version();
        await LegacyWorld.LegacyUserWriteAsync(sim.Legacy, "ChangePlan", ("CustomerId", legacyId), ("ExpectedVersion", version), ("SubscriptionId", subscriptionId), ("PlanCode", planCode));
        return (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, legacyId)).Version();
    }

    /// <summary>Imported people with an active migrated line on <paramref name="offeringId"/>: the person, the product and its legacy subscription.</summary>
    private async Task<IReadOnlyList<(ImportedPerson Person, string ProductId, string SubscriptionId)>> StartLinesAsync(HttpClient admin, IReadOnlyList<ImportedPerson> people, string offeringId, int count)
    {
        var found = new List<(ImportedPerson, string, string)>();
        foreach (var person in people)
        {
            var legacy = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);
            var products = await admin.GetJsonArrayAsync($"{Orders.InventoryApi}/product?relatedParty.id={person.PartyId}");
            foreach (var (subscription, _) in legacy.PlanCodes())
            {
                var product = products.FirstOrDefault(p => p!.Id() == LegacyWorld.ProductIdOf(subscription));
                if (product?["status"]?.GetValue<string>() == "active" && product["productOffering"]!["id"]!.GetValue<string>() == offeringId)
                {
                    found.Add((person, product.Id(), subscription));
                    break;
                }
            }

            if (found.Count == count)
            {
                return found;
            }
        }

        throw new InvalidOperationException($"Only {found.Count} imported people have an active line on offering {offeringId}.");
    }

    private async Task WaitForLogAsync(string call, string traceId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!sim.Legacy.Output.Any(l => l.Contains(call, StringComparison.Ordinal) && l.Contains("origin DIALTONE/", StringComparison.Ordinal) && l.Contains(traceId, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"LegacySim logged no {call}with trace {traceId}.");
            await Task.Delay(100);
        }
    }

    private static async Task ExecuteAsync(DialtoneApp app, string sql)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LegacyDbContext>().Database.ExecuteSqlRawAsync(sql);
    }
}
