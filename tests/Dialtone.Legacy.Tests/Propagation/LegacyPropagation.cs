using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// Changes made in Dialtone reach legacy through the outbox: with the trace id of the request, after an outage, in
/// their current state (an older change retried later never brings back an older value), by the master rule when
/// legacy was edited meanwhile, and through the dead letters when legacy kept refusing.
/// </summary>
public sealed class LegacyPropagation(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    private const string Street = "Teststraße 1";
    private const string Address = "Teststraße 1, 10115 Berlin";

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ASelfServiceContactChangeReachesLegacyWithItsTraceId(TestDatabase database)
    {
        await using var app = LegacyWorld.App(database, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 0 : 1];
        var admin = app.Admin();
        var traceId = LegacyWorld.NewTraceId();
        var email = $"moved.{traceId[..6]}@example.org";

        using var changed = await LegacyWorld.ChangeContactAsync(LegacyWorld.Customer(app, person), person, email, "+4917012345601", Street, traceId);
        Assert.True(changed.StatusCode == HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        var legacy = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == email && c.Field("Address") == Address);
        Assert.Equal("+4917012345601", legacy.Field("Phone"));
        Assert.Equal(Address, legacy.Field("Address"));
        await WaitForLogAsync($"record {person.LegacyId} ", traceId);
        var status = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        Assert.Equal(1, status["delivered"]!.GetValue<int>());
        Assert.Equal(0, status["deadLetters"]!.GetValue<int>());
        Assert.Equal(0, status["syncLagSeconds"]!.GetValue<double>());

        // Someone who never came from legacy: nothing to update there, so nothing is captured.
        var stranger = await admin.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = "Nie", ["familyName"] = "Importiert" });
        using var patched = await admin.PatchAsync($"/tmf-api/party/v4/individual/{stranger.Id()}", TmfHttp.Json(
            """{"contactMedium":[{"mediumType":"email","characteristic":{"contactType":"email","emailAddress":"nie@example.org"}}]}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        using var again = await LegacyWorld.ChangeContactAsync(LegacyWorld.Customer(app, person), person, "second." + email, "+4917012345601", Street);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "second." + email);
        await Task.Delay(500);
        status = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        Assert.Equal(2, status["delivered"]!.GetValue<int>());
        Assert.Empty(app.Errors.Unexpected);
    }

    [Fact]
    public async Task DuringAnOutageSelfServiceWorksAndTheChangeIsDeliveredAfterRecovery()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[2];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);
        var email = $"outage.{LegacyWorld.NewTraceId()[..6]}@example.org";

        using var meters = new LegacyMeterReadings(app);
        await sim.Legacy.SetFaultsAsync(outage: true);
        try
        {
            using var changed = await LegacyWorld.ChangeContactAsync(customer, person, email, "+4917012345602", Street);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var individual = await customer.GetJsonAsync($"/tmf-api/party/v4/individual/{person.PartyId}");
            Assert.Contains(email, individual.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync($"/tmf-api/customerManagement/v4/customer/{person.CustomerId}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync($"/tmf-api/accountManagement/v4/billingAccount?relatedParty.id={person.PartyId}")).StatusCode);

            var waiting = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation",
                s => s["pending"]!.GetValue<int>() == 1 && s["syncLagSeconds"]!.GetValue<double>() > 0 && s["circuit"]!.GetValue<string>() == "open");
            Assert.Equal(0, waiting["deadLetters"]!.GetValue<int>());
            await meters.WaitForAsync(m => m.Value("dialtone.legacy.sync.lag") > 0 && m.Value("dialtone.legacy.propagation.queue_depth") >= 1
                                           && m.Value("dialtone.legacy.circuit.state") == 1);
        }
        finally
        {
            await sim.Legacy.SetFaultsAsync();
        }

        var legacy = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == email && c.Field("Address") == Address);
        Assert.Equal("+4917012345602", legacy.Field("Phone"));
        var status = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        Assert.Equal(0, status["deadLetters"]!.GetValue<int>());
        await meters.WaitForAsync(m => m.Value("dialtone.legacy.sync.lag") == 0 && m.Value("dialtone.legacy.propagation.queue_depth") == 0
                                       && m.Value("dialtone.legacy.propagation.delivered") >= 1);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task ARefusedChangeIsDeadLetteredAndItsReplayDoesNotOverwriteANewerValue()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[3];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);
        var traceId = LegacyWorld.NewTraceId();

        using (var locked = await sim.Legacy.AdminAsync(HttpMethod.Put, $"/admin/locks/{person.LegacyId}"))
        {
            Assert.True(locked.IsSuccessStatusCode);
        }

        JsonNode letter;
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "older@example.org", "+4917012345603", Street, traceId)).StatusCode);
            var letters = await LegacyWorld.WaitForAsync(admin, "/admin/legacy/deadLetters", l => l.AsArray().Any(d => d!["partyId"]!.GetValue<string>() == person.PartyId));
            letter = letters.AsArray().Single(d => d!["partyId"]!.GetValue<string>() == person.PartyId)!;
        }
        finally
        {
            using var unlocked = await sim.Legacy.AdminAsync(HttpMethod.Delete, $"/admin/locks/{person.LegacyId}");
        }

        var detail = await admin.GetJsonAsync($"/admin/legacy/deadLetters/{letter.Id()}");
        Assert.Equal("deadLettered", detail["state"]!.GetValue<string>());
        Assert.Equal(3, detail["attempts"]!.GetValue<int>());
        Assert.Equal("E1042 RECORD_LOCKED", detail["lastError"]!.GetValue<string>());
        Assert.Equal(traceId, detail["traceId"]!.GetValue<string>());
        Assert.Equal([person.LegacyId], detail["legacyCustomerIds"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal(1, (await admin.GetJsonAsync("/admin/legacy/propagation"))["deadLetters"]!.GetValue<int>());

        // A newer change goes through; the older one, replayed afterwards, sends the current state and changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "newer@example.org", "+4917012345604", Street)).StatusCode);
        var newer = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "newer@example.org" && c.Field("Address") == Address);
        using (var replay = await admin.PostAsync($"/admin/legacy/deadLetters/{letter.Id()}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["deadLetters"]!.GetValue<int>() == 0);
        var after = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);
        Assert.Equal("newer@example.org", after.Field("Email"));
        Assert.Equal("+4917012345604", after.Field("Phone"));
        Assert.Equal(newer.Version(), after.Version());
        Assert.DoesNotContain(await admin.GetJsonArrayAsync("/admin/legacy/deadLetters"), d => d!["partyId"]!.GetValue<string>() == person.PartyId);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/legacy/deadLetters/{letter.Id()}")).StatusCode);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task LegacyEditsMadeMeanwhileAreOverwrittenByTheMasterRuleAndReported()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[4];
        var admin = app.Admin();
        var customer = LegacyWorld.Customer(app, person);

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "first@example.org", "+4917012345605", Street)).StatusCode);
        var synced = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "first@example.org" && c.Field("Address") == Address);
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);

        // One of legacy's own users edits the address in the old CRM.
        await LegacyWorld.LegacyUserWriteAsync(sim.Legacy, "UpdateAddress", ("CustomerId", person.LegacyId), ("ExpectedVersion", synced.Version()), ("Address", "Altstadt 5, 80331 München"));

        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(customer, person, "second@example.org", "+4917012345605", Street)).StatusCode);
        var legacy = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "second@example.org" && c.Field("Address") == Address);
        Assert.Equal(Address, legacy.Field("Address"));
        // Legacy is written before the delivery commits its conflict report: wait for the commit, not for legacy.
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0);
        var conflicts = await admin.GetJsonArrayAsync($"/admin/legacy/conflicts?partyId={person.PartyId}");
        var conflict = Assert.Single(conflicts);
        Assert.Equal("address", conflict!["field"]!.GetValue<string>());
        Assert.Equal("Altstadt 5, 80331 München", conflict["overwrittenLegacyValue"]!.GetValue<string>());
        Assert.Equal("dialtoneWins", conflict["resolution"]!.GetValue<string>());
        Assert.Equal(person.LegacyId, conflict["legacyCustomerId"]!.GetValue<string>());
        Assert.Empty(app.Errors.Unexpected);
    }

    [Fact]
    public async Task ACustomerStatusChangedByAnAgentReachesLegacyAsItsCode()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[6];
        using var suspended = await LegacyWorld.Agent(app).PatchAsync($"/tmf-api/customerManagement/v4/customer/{person.CustomerId}",
            TmfHttp.Json("{\"status\":\"Suspended\"}", "application/merge-patch+json"));
        Assert.True(suspended.StatusCode == HttpStatusCode.OK, await suspended.Content.ReadAsStringAsync());

        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Status") == "S");
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task AnErasureInDialtoneErasesTheLegacyRecord()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[5];
        using var erased = await LegacyWorld.Customer(app, person).PostAsync("/selfservice/me/erasure", null);
        Assert.True(erased.StatusCode == HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());

        var legacy = await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Status") == "X");
        Assert.Null(legacy.Field("Email"));
        await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() >= 1);
        Assert.Empty(app.Errors.Unexpected);
    }

    [Fact]
    public async Task AnErasureKeepsNoSyncStateOfThePersonsLegacyRecord()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[13];
        Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(LegacyWorld.Customer(app, person), person, "erase.me@example.org", "+4917012345613", Street)).StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == "erase.me@example.org");
        await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 1);
        Assert.NotNull(await SyncStateAsync(app, person.LegacyId));

        // The sync state's field hashes are keyed hashes of the person's legacy values: emptied with the person (the
        // state itself goes with the erasure's delivery, ADR 0017), and not made again by the erasure's delivery.
        using var erased = await LegacyWorld.Customer(app, person).PostAsync("/selfservice/me/erasure", null);
        Assert.True(erased.StatusCode == HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());
        Assert.True(await SyncStateAsync(app, person.LegacyId) is null or "{}");
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Status") == "X");
        await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() == 2);
        Assert.Null(await SyncStateAsync(app, person.LegacyId));
        Assert.Empty(app.Errors.Unexpected);
    }

    private static async Task<string?> SyncStateAsync(DialtoneApp app, string legacyId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Dialtone.Legacy.Persistence.LegacyDbContext>();
        return (await db.SyncStates.AsNoTracking().FirstOrDefaultAsync(s => s.LegacyCustomerId == legacyId))?.FieldHashes;
    }

    [Fact]
    public async Task AChangeWhosePartyWasDeletedMeanwhileIsDeadLetteredAndLegacyIsNotErased()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var person = (await LegacyWorld.ImportAsync(app))[7];
        var admin = app.Admin();
        var before = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);
        var email = $"deleted.{LegacyWorld.NewTraceId()[..6]}@example.org";

        await sim.Legacy.SetFaultsAsync(outage: true);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.ChangeContactAsync(LegacyWorld.Customer(app, person), person, email, "+4917012345607", Street)).StatusCode);
            await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 1);

            // The party is deleted in Dialtone (TMF632 DELETE, its customer first): not an erasure.
            using var customerDeleted = await admin.DeleteAsync($"/tmf-api/customerManagement/v4/customer/{person.CustomerId}");
            Assert.True(customerDeleted.IsSuccessStatusCode, await customerDeleted.Content.ReadAsStringAsync());
            using var partyDeleted = await admin.DeleteAsync($"/tmf-api/party/v4/individual/{person.PartyId}");
            Assert.True(partyDeleted.IsSuccessStatusCode, await partyDeleted.Content.ReadAsStringAsync());
        }
        finally
        {
            await sim.Legacy.SetFaultsAsync();
        }

        // The contact change (and a status change the customer's deletion may have captured) are dead letters, not erasures.
        await LegacyWorld.WaitForAsync(admin, "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["deadLetters"]!.GetValue<int>() >= 1);
        var letters = (await admin.GetJsonArrayAsync("/admin/legacy/deadLetters")).Where(d => d!["partyId"]!.GetValue<string>() == person.PartyId).ToList();
        Assert.NotEmpty(letters);
        foreach (var letter in letters)
        {
            var detail = await admin.GetJsonAsync($"/admin/legacy/deadLetters/{letter!.Id()}");
            Assert.Equal("deadLettered", detail["state"]!.GetValue<string>());
            Assert.Equal("PARTY_NOT_FOUND", detail["lastError"]!.GetValue<string>());
        }


        var legacy = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);
        Assert.NotEqual("X", legacy.Field("Status"));
        Assert.Equal(before.Field("Status"), legacy.Field("Status"));
        Assert.Equal(before.Field("Email"), legacy.Field("Email"));
        Assert.Equal(before.Version(), legacy.Version());
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task BadInputToTheOperatorApiIsAClearClientError()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var admin = app.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/legacy/deadLetters/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/legacy/deadLetters/{new string('x', 500)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/admin/legacy/deadLetters/{Guid.NewGuid()}/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/admin/legacy/deadLetters?limit=many")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/admin/legacy/conflicts?offset=-x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/legacy/deadLetters?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await LegacyWorld.Agent(app).GetAsync("/admin/legacy/deadLetters")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/admin/legacy/propagation")).StatusCode);
        Assert.Empty(app.Errors.Unexpected);
    }

    private async Task WaitForLogAsync(string record, string traceId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!sim.Legacy.Output.Any(l => l.Contains(record, StringComparison.Ordinal) && l.Contains("origin DIALTONE/", StringComparison.Ordinal) && l.Contains(traceId, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"LegacySim logged no write of {record}with trace {traceId}.");
            await Task.Delay(100);
        }
    }
}
