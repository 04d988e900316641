namespace Dialtone.Legacy.Tests.Sync;

/// <summary>
/// Legacy's change feed flows into Dialtone by the field masters (ADR 0018): a legacy agent's edit of a field legacy
/// masters (names, birth date) arrives; an edit of a field Dialtone masters is reported and legacy converges back;
/// Dialtone's own writes coming back are echoes, neither applied nor reported; the watermark survives a restart; an
/// outage makes the sync back off and its lag grow, never the host fail.
/// </summary>
public sealed class LegacyChangeFeedSync(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ALegacyEditOfALegacyMasteredFieldArrivesInDialtone(TestDatabase database)
    {
        await using var app = LegacyWorld.App(database, sim.Legacy, SyncWorld.FastSync());
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 0 : 1];
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var before = await SyncWorld.IndividualAsync(app, person);

        var family = "Neumann-" + database;
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "lastName", family);
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "birthDate", "1977-07-07");

        var status = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var after = await SyncWorld.IndividualAsync(app, person);
        Assert.Equal(family, after["familyName"]!.GetValue<string>());
        Assert.Equal($"{before["givenName"]!.GetValue<string>()} {family}", after["formattedName"]!.GetValue<string>());
        Assert.StartsWith("1977-07-07", after["birthDate"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before["contactMedium"]!.ToJsonString(), after["contactMedium"]!.ToJsonString());
        Assert.True(status["applied"]!.GetValue<long>() >= 1, status.ToJsonString());
        Assert.Empty(await SyncWorld.ConflictsAsync(app, person));

        var legacy = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);
        Assert.Equal(family, legacy.Field("LastName"));
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ALegacyEditOfADialtoneMasteredFieldIsReportedAndLegacyConvergesBack(TestDatabase database)
    {
        await using var app = LegacyWorld.App(database, sim.Legacy, SyncWorld.FastSync());
        var people = await LegacyWorld.ImportAsync(app);
        var person = people[database == TestDatabase.Sqlite ? 2 : 3];
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var dialtonePhone = SyncWorld.Phone(await SyncWorld.IndividualAsync(app, person));

        var agentPhone = "0171 " + SyncWorld.Digits(database == TestDatabase.Sqlite ? 11 : 12);
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "phone", agentPhone);

        var conflicts = await LegacyWorld.WaitForAsync(app.Admin(), $"/admin/legacy/conflicts?partyId={person.PartyId}", c => c.AsArray().Count > 0);
        var conflict = conflicts.AsArray().Single()!;
        Assert.Equal("phone", conflict["field"]!.GetValue<string>());
        Assert.Equal("fromLegacy", conflict["direction"]!.GetValue<string>());
        Assert.Equal("dialtoneWins", conflict["resolution"]!.GetValue<string>());
        Assert.Equal(agentPhone, conflict["overwrittenLegacyValue"]!.GetValue<string>());
        Assert.Equal(person.LegacyId, conflict["legacyCustomerId"]!.GetValue<string>());

        // Dialtone's value is propagated again: legacy converges, and Dialtone kept its own.
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => (c.Field("Phone") ?? "") == (dialtonePhone ?? ""));
        Assert.Equal(dialtonePhone, SyncWorld.Phone(await SyncWorld.IndividualAsync(app, person)));
        await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() >= 1);
        var status = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        Assert.True(status["echoes"]!.GetValue<long>() >= 1, status.ToJsonString());

        // Reported once: neither the propagation that overwrote it nor its echo reports it again.
        Assert.Single(await SyncWorld.ConflictsAsync(app, person));
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task ADialtoneChangeComingBackThroughTheFeedIsAnEchoNeitherAppliedNorReported()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync());
        var person = (await LegacyWorld.ImportAsync(app))[4];
        var start = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var email = $"echo.{LegacyWorld.NewTraceId()[..6]}@example.org";

        using var changed = await LegacyWorld.ChangeContactAsync(LegacyWorld.Customer(app, person), person, email, "+4917012345699", "Echoweg 3");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await LegacyWorld.WaitForLegacyAsync(sim.Legacy, person.LegacyId, c => c.Field("Email") == email);
        var version = (await SyncWorld.IndividualAsync(app, person))["contactMedium"]!.ToJsonString();

        var status = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy),
            s => s["echoes"]!.GetValue<long>() > start["echoes"]!.GetValue<long>());
        Assert.Equal(start["applied"]!.GetValue<long>(), status["applied"]!.GetValue<long>());
        Assert.Equal(start["conflicts"]!.GetValue<long>(), status["conflicts"]!.GetValue<long>());
        Assert.Empty(await SyncWorld.ConflictsAsync(app, person));
        Assert.Equal(version, (await SyncWorld.IndividualAsync(app, person))["contactMedium"]!.ToJsonString());
        await Task.Delay(300);
        var propagation = await app.Admin().GetJsonAsync("/admin/legacy/propagation");
        Assert.Equal(0, propagation["pending"]!.GetValue<int>());
        Assert.Equal(1, propagation["delivered"]!.GetValue<int>());
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task ANameTakenFromLegacyIsDeliveredBackWithoutAWriteWhenLegacyHoldsDialtonesValuesInItsOwnFormat()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync());
        var people = await LegacyWorld.ImportAsync(app);
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        ImportedPerson? person = null;
        string? phone = null;
        foreach (var candidate in people.Skip(10))
        {
            phone = SyncWorld.Phone(await SyncWorld.IndividualAsync(app, candidate));
            if (phone is not null)
            {
                person = candidate;
                break;
            }
        }

        Assert.NotNull(person);
        Assert.NotNull(phone);

        // Legacy holds Dialtone's number in its national format (the same number: not an edit the sync reports).
        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "phone", SyncWorld.National(phone));
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        var version = await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "lastName", "Echolos");

        // The name is written to Dialtone (a TMF632 change of the person), captured and delivered back to legacy.
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy), s => s["applied"]!.GetValue<long>() >= 1);
        Assert.Equal("Echolos", (await SyncWorld.IndividualAsync(app, person))["familyName"]!.GetValue<string>());
        await LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/propagation", s => s["pending"]!.GetValue<int>() == 0 && s["delivered"]!.GetValue<int>() >= 1);

        // The delivery read legacy and wrote nothing: legacy's version is still the agent's, the number still in its format.
        var legacy = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, person.LegacyId);
        Assert.Equal(version, legacy.Version());
        Assert.Equal(SyncWorld.National(phone), legacy.Field("Phone"));
        Assert.Empty(await SyncWorld.ConflictsAsync(app, person));
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }

    [Fact]
    public async Task TheWatermarkSurvivesARestartAndNothingIsAppliedTwice()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-legacy-feed-" + Guid.NewGuid().ToString("N"));
        var settings = SyncWorld.FastSync();
        settings["Dialtone:DataDirectory"] = directory;
        try
        {
            ImportedPerson person;
            long watermark;
            await using (var first = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, settings))
            {
                person = (await LegacyWorld.ImportAsync(first))[5];
                await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "lastName", "Vorher");
                watermark = (await SyncWorld.WaitForSyncAsync(first, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy),
                    s => s["applied"]!.GetValue<long>() == 1))["watermark"]!.GetValue<long>();
                Assert.Equal("Vorher", (await SyncWorld.IndividualAsync(first, person))["familyName"]!.GetValue<string>());

                // An agent corrects the name in Dialtone afterwards: if the feed were read again from the start, legacy's older edit would come back.
                using var patched = await LegacyWorld.Agent(first).PatchAsync($"/tmf-api/party/v4/individual/{person.PartyId}",
                    TmfHttp.Json("""{"familyName":"Nachher"}""", "application/merge-patch+json"));
                Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
                LegacyWorld.AssertNoUnexpectedErrors(first);
            }

            await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "firstName", "Neustart");
            await using var second = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, settings);
            var status = await SyncWorld.WaitForSyncAsync(second, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy), s => s["applied"]!.GetValue<long>() >= 2);
            Assert.Equal(2, status["applied"]!.GetValue<long>());
            Assert.True(status["watermark"]!.GetValue<long>() > watermark);
            var individual = await SyncWorld.IndividualAsync(second, person);
            Assert.Equal("Neustart", individual["givenName"]!.GetValue<string>());
            Assert.Equal("Nachher", individual["familyName"]!.GetValue<string>());
            LegacyWorld.AssertNoUnexpectedErrors(second);
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }

    [Fact]
    public async Task DuringALegacyOutageTheSyncBacksOffItsLagGrowsAndItCatchesUpAfter()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, SyncWorld.FastSync());
        var imported = await LegacyWorld.ImportAsync(app);
        var person = imported[6];
        await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy));
        using var meters = new Propagation.LegacyMeterReadings(app);
        var admin = app.Admin();

        var others = imported.Skip(7).Take(2).ToList();
        var phones = new List<string?>();
        foreach (var other in others)
        {
            phones.Add(SyncWorld.Phone(await SyncWorld.IndividualAsync(app, other)));
        }

        await sim.Legacy.SetFaultsAsync(outage: true);
        try
        {
            await LegacyWorld.WaitForAsync(admin, "/admin/legacy/sync", s => s["lastError"]?.GetValue<string>() == "unavailable" && s["state"]!.GetValue<string>() == "failing");

            // Legacy's agents work on meanwhile (their screens are not the API): these edits reach Dialtone in one page after the outage.
            for (var i = 0; i < others.Count; i++)
            {
                await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, others[i].LegacyId, "phone", "0171 " + SyncWorld.Digits(70 + i));
            }

            app.Clock.Advance(TimeSpan.FromMinutes(2));
            await LegacyWorld.WaitForAsync(admin, "/admin/legacy/sync", s => s["lagSeconds"]!.GetValue<double>() >= 120);
            await meters.WaitForAsync(m => m.Value("dialtone.legacy.feed.lag") >= 120);
            Assert.Equal(HttpStatusCode.OK, (await LegacyWorld.Customer(app, person).GetAsync($"/tmf-api/party/v4/individual/{person.PartyId}")).StatusCode);
        }
        finally
        {
            await sim.Legacy.SetFaultsAsync();
        }

        await SyncWorld.LegacyAgentEditsAsync(sim.Legacy, person.LegacyId, "firstName", "Wiederda");
        var status = await SyncWorld.WaitForSyncAsync(app, await SyncWorld.LegacyHighWatermarkAsync(sim.Legacy), s => s["lagSeconds"]!.GetValue<double>() < 60);
        Assert.Equal(0, status["behind"]!.GetValue<long>());
        Assert.Equal("Wiederda", (await SyncWorld.IndividualAsync(app, person))["givenName"]!.GetValue<string>());
        await meters.WaitForAsync(m => m.Value("dialtone.legacy.feed.lag") < 60 && m.Value("dialtone.legacy.feed.applied") >= 1 && m.Value("dialtone.legacy.feed.conflicts") >= 2);

        // Both overruled edits of the page are propagated back, each reported once.
        for (var i = 0; i < others.Count; i++)
        {
            var expected = phones[i] ?? "";
            await LegacyWorld.WaitForLegacyAsync(sim.Legacy, others[i].LegacyId, c => (c.Field("Phone") ?? "") == expected);
            Assert.Single(await SyncWorld.ConflictsAsync(app, others[i]));
        }

        Assert.Empty(LegacyWorld.UnexpectedErrors(app));
    }
}
