using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Dialtone.Legacy.Tests.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Reconciliation;

/// <summary>
/// A reconciliation compares every migrated customer with legacy by the import's normalisation, reports drift by field
/// and direction (ids and field names only), and repairs it towards each field's master; run again, it finds none.
/// The sync is off here, so the drift made directly in legacy stays until the reconciliation sees it.
/// </summary>
public sealed class LegacyReconciliationJobs(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task FindsDriftMadeDirectlyInLegacyAndRepairsItTowardsEachFieldsMaster(TestDatabase database)
    {
        await using var app = LegacyWorld.App(database, sim.Legacy, SyncWorld.FastSync(enabled: false));
        var admin = app.Admin();
        var people = await LegacyWorld.ImportAsync(app);
        var offset = database == TestDatabase.Sqlite ? 0 : 10;
        var withPhones = new List<(ImportedPerson Person, string Phone)>();
        foreach (var candidate in people.Skip(offset))
        {
            if (SyncWorld.Phone(await SyncWorld.IndividualAsync(app, candidate)) is { } phone && phone.StartsWith("+491", StringComparison.Ordinal))
            {
                withPhones.Add((candidate, phone));
            }

            if (withPhones.Count == 2)
            {
                break;
            }
        }

        var (phoneDrift, dialtonePhone) = withPhones[0];
        var (formatOnly, formattedPhone) = withPhones[1];
        var nameDrift = people.Skip(offset).First(p => p != phoneDrift && p != formatOnly);

        // A merged person (one Dialtone individual, two legacy records) whose records' family names a legacy agent makes disagree.
        var merged = await MergedPersonAsync(admin);
        var mergedFamily = (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, merged.LegacyIds[0])).Field("LastName")!;
        try
        {

            // Before the drift is made, a first report: what the dirty data already differs in (merged duplicates) is not what this test adds.
            var baseline = await RunAsync(admin, "report");
            var before = await DriftAsync(admin, baseline);

            await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, phoneDrift.LegacyId, "phone", "0171 " + SyncWorld.Digits(offset + 21));
            await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, formatOnly.LegacyId, "phone", SyncWorld.National(formattedPhone));
            await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, nameDrift.LegacyId, "lastName", "Driftmann");

            var firstVersion = await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, merged.LegacyIds[0], "lastName", $"Erstens{database}");
            var secondVersion = await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, merged.LegacyIds[1], "lastName", $"Zweitens{database}");
            var newest = firstVersion > secondVersion || (firstVersion == secondVersion && string.CompareOrdinal(merged.LegacyIds[0], merged.LegacyIds[1]) < 0) ? 0 : 1;

            var report = await RunAsync(admin, "report");
            Assert.True(report["progress"]!["compared"]!.GetValue<int>() >= people.Count, report.ToJsonString());
            var drift = await DriftAsync(admin, report);
            Assert.Equal(["phone:toLegacy"], drift[phoneDrift.LegacyId]);
            Assert.Equal(["familyName:toDialtone"], drift[nameDrift.LegacyId]);
            Assert.False(drift.ContainsKey(formatOnly.LegacyId), "A phone number in another format is not drift.");
            Assert.Contains("familyName:toDialtone", drift[merged.LegacyIds[newest]]);
            Assert.Contains("familyName:toLegacy", drift[merged.LegacyIds[1 - newest]]);
            Assert.DoesNotContain("familyName:toDialtone", drift[merged.LegacyIds[1 - newest]]);
            Assert.Equal(before.Count + 2 + (before.ContainsKey(merged.LegacyIds[0]) ? 0 : 1) + (before.ContainsKey(merged.LegacyIds[1]) ? 0 : 1), drift.Count);
            Assert.True(report["drift"]!["phone"]!["toLegacy"]!.GetValue<int>() >= 1);
            Assert.True(report["drift"]!["familyName"]!["toDialtone"]!.GetValue<int>() >= 1);
            Assert.DoesNotContain("Driftmann", (await admin.GetStringAsync($"{report["href"]}/drift")), StringComparison.Ordinal);

            var repair = await RunAsync(admin, "repairBoth");
            Assert.True(repair["progress"]!["repaired"]!.GetValue<int>() >= 2, repair.ToJsonString());
            await LegacyWorld.WaitForLegacyAsync(sim.Legacy, phoneDrift.LegacyId, c => c.Field("Phone") == dialtonePhone);
            Assert.Equal("Driftmann", (await SyncWorld.IndividualAsync(app, nameDrift))["familyName"]!.GetValue<string>());
            await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);

            var repaired = await DriftAsync(admin, repair);
            var merge = await admin.GetJsonAsync($"/tmf-api/party/v4/individual/{merged.PartyId}");
            Assert.Equal(newest == 0 ? $"Erstens{database}" : $"Zweitens{database}", merge["familyName"]!.GetValue<string>());

            // Converged: a second report finds none of the fields the repair wrote to Dialtone, and nothing left to write to
            // Dialtone at all (the merged person's other record is legacy disagreeing with itself: toLegacy, not written).
            var after = await DriftAsync(admin, await RunAsync(admin, "report"));
            Assert.False(after.ContainsKey(phoneDrift.LegacyId));
            Assert.False(after.ContainsKey(nameDrift.LegacyId));
            foreach (var (legacyId, fields) in repaired)
            {
                foreach (var field in fields.Where(f => f.EndsWith(":toDialtone", StringComparison.Ordinal)))
                {
                    Assert.False(after.TryGetValue(legacyId, out var still) && still.Contains(field), $"{legacyId} {field} drifts again after its repair");
                }
            }

            Assert.DoesNotContain(after.Values.SelectMany(f => f), f => f.EndsWith(":toDialtone", StringComparison.Ordinal));
            Assert.Contains("familyName:toLegacy", after[merged.LegacyIds[1 - newest]]);
            Assert.Equal(merge["familyName"]!.GetValue<string>(), (await admin.GetJsonAsync($"/tmf-api/party/v4/individual/{merged.PartyId}"))["familyName"]!.GetValue<string>());
            LegacyWorld.AssertNoUnexpectedErrors(app);
        }
        finally
        {
            // The other database's run imports the same records merged again.
            foreach (var id in merged.LegacyIds)
            {
                await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, id, "lastName", mergedFamily);
            }
        }
    }

    /// <summary>
    /// A merged person whose records Dialtone agrees with, until a legacy agent edits the family name on one of them:
    /// that record's version moved past the one Dialtone last wrote or saw (its sync state), so its name is a legacy
    /// edit and is written to Dialtone — not outvoted for ever by the other record, which still holds the old name.
    /// </summary>
    [Fact]
    public async Task AMergedPersonsRecordEditedInLegacyItselfIsALegacyEditNotOutvotedByTheRecordDialtoneAgreesWith()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync(enabled: false));
        var admin = app.Admin();
        await LegacyWorld.ImportAsync(app);
        var merged = await MergedPersonAsync(admin);
        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                // What the propagation left: each record's sync state at the version Dialtone last wrote or saw.
                var db = scope.ServiceProvider.GetRequiredService<LegacyDbContext>();
                foreach (var id in merged.LegacyIds)
                {
                    var record = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, id);
                    families[id] = record.Field("LastName")!;
                    db.SyncStates.Add(new LegacySyncState { LegacyCustomerId = id, LastVersion = record.Version(), UpdatedAt = app.Clock.GetUtcNow() });
                }

                await db.SaveChangesAsync();
            }

            var (edited, other) = (merged.LegacyIds[1], merged.LegacyIds[0]);
            await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, edited, "lastName", "Eigenhand");

            var repair = await RunAsync(admin, "repairDialtone");
            var drift = await DriftAsync(admin, repair);
            Assert.Contains("familyName:toDialtone", drift[edited]);
            Assert.DoesNotContain("familyName:toLegacy", drift[edited]);
            Assert.Equal("Eigenhand", (await admin.GetJsonAsync($"/tmf-api/party/v4/individual/{merged.PartyId}"))["familyName"]!.GetValue<string>());

            // Converged: the other record, whose version moved only through Dialtone, is now legacy disagreeing with itself.
            await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
            var after = await DriftAsync(admin, await RunAsync(admin, "report"));
            Assert.DoesNotContain(after.Values.SelectMany(f => f), f => f.EndsWith(":toDialtone", StringComparison.Ordinal));
            Assert.Contains("familyName:toLegacy", after[other]);
            Assert.Equal("Eigenhand", (await admin.GetJsonAsync($"/tmf-api/party/v4/individual/{merged.PartyId}"))["familyName"]!.GetValue<string>());
            LegacyWorld.AssertNoUnexpectedErrors(app);
        }
        finally
        {
            // The other tests of this class import the same records merged again.
            foreach (var (id, family) in families)
            {
                await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, id, "lastName", family);
            }
        }
    }

    [Fact]
    public async Task ALiveLegacyRecordWhosePersonDialtoneCannotFindIsCountedNotFound()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync(enabled: false));
        var admin = app.Admin();
        var person = (await LegacyWorld.ImportAsync(app))[30];
        var before = (await RunAsync(admin, "report"))["progress"]!;

        // The person is deleted in Dialtone (TMF632 DELETE, its customer first): legacy's record is still there, live.
        using (var customerDeleted = await admin.DeleteAsync($"/tmf-api/customerManagement/v4/customer/{person.CustomerId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, customerDeleted.StatusCode);
        }

        using (var partyDeleted = await admin.DeleteAsync($"/tmf-api/party/v4/individual/{person.PartyId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, partyDeleted.StatusCode);
        }

        var after = (await RunAsync(admin, "report"))["progress"]!;
        Assert.Equal(before["notFound"]!.GetValue<int>() + 1, after["notFound"]!.GetValue<int>());
        Assert.Equal(before["compared"]!.GetValue<int>() - 1, after["compared"]!.GetValue<int>());
        Assert.Equal(before["legacyRecords"]!.GetValue<int>(), after["legacyRecords"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARepairDialtoneWritesLegacysValueAsItIsAtTheRepairNotAsThePageReadIt()
    {
        var edit = new EditAfterListing(sim.Legacy);
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync(enabled: false),
            services: s => s.AddHttpClient<LegacyCustomerService>(LegacyResilience.ClientName).AddHttpMessageHandler(() => new EditAfterListingHandler(edit)));
        var admin = app.Admin();
        var person = (await LegacyWorld.ImportAsync(app))[31];
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "lastName", "Seitenstand");

        // Right after the page holding the record is read, a legacy agent edits the name again (as the feed might apply meanwhile).
        edit.LegacyId = person.LegacyId;
        var repair = await RunAsync(admin, "repairDialtone");
        Assert.Equal(1, edit.Edits);
        Assert.Contains("familyName:toDialtone", (await DriftAsync(admin, repair))[person.LegacyId]);
        Assert.Equal("Frischstand", (await SyncWorld.IndividualAsync(app, person))["familyName"]!.GetValue<string>());
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    private sealed class EditAfterListing(StandinProcess legacy)
    {
        public string? LegacyId { get; set; }

        public int Edits { get; private set; }

        public async Task EditAsync()
        {
            await SyncWorld.LegacyAgentEditsAsync(legacy, LegacyId!, "lastName", "Frischstand");
            Edits++;
        }
    }

    private sealed class EditAfterListingHandler(EditAfterListing edit) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var listing = request.Content is not null && (await request.Content.ReadAsStringAsync(cancellationToken)).Contains("ListCustomers", StringComparison.Ordinal);
            var response = await base.SendAsync(request, cancellationToken);
            if (listing && edit.LegacyId is { } id && edit.Edits == 0)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                if ((await response.Content.ReadAsStringAsync(cancellationToken)).Contains($">{id}<", StringComparison.Ordinal))
                {
                    await edit.EditAsync();
                }
            }

            return response;
        }
    }

    [Fact]
    public async Task AReportRepairsNothing()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync(enabled: false));
        var admin = app.Admin();
        var person = (await LegacyWorld.ImportAsync(app))[20];
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "email", "agent.set@example.net");

        var report = await RunAsync(admin, "report");
        var drift = await DriftAsync(admin, report);
        Assert.Contains("email:toLegacy", drift[person.LegacyId]);
        await Task.Delay(300);
        Assert.Equal("agent.set@example.net", (await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId)).Field("Email"));
        Assert.Equal(0, (await admin.GetJsonAsync("/admin/legacy/propagation"))["pending"]!.GetValue<int>());
        var listed = await admin.GetJsonArrayAsync("/admin/legacy/reconciliations");
        Assert.Equal(report.Id(), listed[0]!.Id());
    }

    [Fact]
    public async Task AJobWaitsThroughALegacyOutageAndReadsEveryRecordOnce()
    {
        var settings = SyncWorld.FastSync(enabled: false);
        settings["Dialtone:Legacy:Reconciliation:PageSize"] = "5";
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, settings);
        var admin = app.Admin();
        await LegacyWorld.ImportAsync(app);

        await sim.Legacy.SetFaultsAsync(latencyMs: 150);
        JsonNode job;
        try
        {
            job = await admin.PostJsonAsync("/admin/legacy/reconciliations", new { mode = "report" }, expectedStatus: 202);
            await LegacyWorld.WaitForAsync(admin, job["href"]!.GetValue<string>(), j => j["progress"]!["pages"]!.GetValue<int>() >= 1);
            await sim.Legacy.SetFaultsAsync(outage: true);
            await LegacyWorld.WaitForAsync(admin, job["href"]!.GetValue<string>(), j => j["state"]!.GetValue<string>() == "running");
            await Task.Delay(700);
            var still = await admin.GetJsonAsync(job["href"]!.GetValue<string>());
            Assert.Equal("running", still["state"]!.GetValue<string>());
            Assert.True(still["progress"]!["legacyRecords"]!.GetValue<int>() < 60, still.ToJsonString());
            using var second = await admin.PostAsync("/admin/legacy/reconciliations", TmfHttp.Json(new JsonObject { ["mode"] = "report" }));
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        }
        finally
        {
            await sim.Legacy.SetFaultsAsync();
        }

        var done = await LegacyWorld.WaitForAsync(admin, job["href"]!.GetValue<string>(), j => j["state"]!.GetValue<string>() == "completed");
        Assert.Equal(60, done["progress"]!["legacyRecords"]!.GetValue<int>());
        Assert.Equal(13, done["progress"]!["pages"]!.GetValue<int>()); // 12 full pages, then legacy's empty last one
        Assert.Empty(LegacyWorld.UnexpectedErrors(app));
    }

    /// <summary>The first imported person with two legacy records (merged duplicates): party id and both legacy ids.</summary>
    private static async Task<(string PartyId, string[] LegacyIds)> MergedPersonAsync(HttpClient admin)
    {
        var customers = JsonNode.Parse(await admin.GetStringAsync("/tmf-api/customerManagement/v4/customer?limit=1000"))!.AsArray();
        return customers
            .Select(c => (PartyId: c!["engagedParty"]!["id"]!.GetValue<string>(),
                Legacy: c["characteristic"]?.AsArray().FirstOrDefault(x => x!["name"]!.GetValue<string>() == "legacyCustomerId")?["value"]?.GetValue<string>()))
            .Where(c => c.Legacy is not null && c.Legacy.Split(',').Length == 2)
            .Select(c => (c.PartyId, LegacyIds: c.Legacy!.Split(',')))
            .OrderBy(c => c.LegacyIds[0], StringComparer.Ordinal)
            .First();
    }

    internal static async Task<JsonNode> RunAsync(HttpClient admin, string mode)
    {
        using var started = await admin.PostAsync("/admin/legacy/reconciliations", TmfHttp.Json(new JsonObject { ["mode"] = mode }));
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, body);
        var job = JsonNode.Parse(body)!;
        Assert.Equal(mode, job["mode"]!.GetValue<string>());
        Assert.Equal(job["href"]!.GetValue<string>(), started.Headers.Location!.ToString());
        var done = await LegacyWorld.WaitForAsync(admin, job["href"]!.GetValue<string>(), j => j["state"]!.GetValue<string>() is "completed" or "failed");
        Assert.True(done["state"]!.GetValue<string>() == "completed", done.ToJsonString());
        return done;
    }

    /// <summary>Every drifting record of a reconciliation (paged), legacy id → its <c>field:direction</c> list.</summary>
    internal static async Task<Dictionary<string, List<string>>> DriftAsync(HttpClient admin, JsonNode reconciliation)
    {
        var all = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var offset = 0; ; offset += 10)
        {
            var page = await admin.GetJsonArrayAsync($"{reconciliation["href"]}/drift?offset={offset}&limit=10");
            foreach (var record in page)
            {
                all[record!["legacyCustomerId"]!.GetValue<string>()] =
                    [.. record["fields"]!.AsArray().Select(f => $"{f!["field"]!.GetValue<string>()}:{f["direction"]!.GetValue<string>()}")];
            }

            if (page.Count < 10)
            {
                return all;
            }
        }
    }
}
