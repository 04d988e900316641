using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Storage;
using Xunit.Abstractions;

namespace Dialtone.Charging.Tests.Storage;

/// <summary>
/// The stored charging account state (ADR 0012): what a session keeps, that states written by version 1 (both answers in
/// every session and tombstone, nulls written) and version 2 (long names, the create-key index stored) still load with
/// what their retransmissions need, and what version 3's compact sessions save on a realistic state.
/// </summary>
public sealed class AccountStateFormat(ITestOutputHelper output)
{
    private const string Account = "6ddd8d3a6e2451189532a6cd3eba00b4";

    // Written by version 1 (commit ec29b12, from a bench run): an open session after one update (-3), a released
    // session's tombstone (-2) and an SMS one-time event (-4), whose only request was its create.
    private const string VersionOne = $$$$"""
        {"schemaVersion":1,"profile":{"productId":"p-1","offeringId":"o-1","status":"active","prepaid":false},"wallet":null,
         "sessions":{
          "{{{{Account}}}}-2":{"ref":"{{{{Account}}}}-2","createKey":"smf|26","createAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-2","sequence":1,"at":"2026-11-27T13:23:23.8173015+00:00","grants":[{"ratingGroup":10,"unit":0,"resultCode":"SUCCESS","granted":1000000,"validitySeconds":3600,"threshold":200000,"finalUnit":false}],"prepaid":false,"detail":null},"unit":0,"zone":"home","createFingerprint":"378C25BC5BCDE0EDE18951B5","lastFingerprint":"BCEA23F80D1C9BFC1B011EF8","notifyUri":"http://127.0.0.1:9/nchf-notify","lastSequence":12,"lastAnswer":{"outcome":2,"chargingDataRef":"{{{{Account}}}}-2","sequence":12,"at":"2026-11-27T13:23:24.4808615+00:00","grants":[],"prepaid":false,"detail":null},"reservations":{},"lastContainers":{"10":11},"lastSeenAt":"2026-11-27T13:23:24.4808615+00:00","endedAt":"2026-11-27T13:23:24.4808615+00:00"},
          "{{{{Account}}}}-3":{"ref":"{{{{Account}}}}-3","createKey":"smf|27","createAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-3","sequence":1,"at":"2026-11-27T13:23:25+00:00","grants":[{"ratingGroup":10,"unit":0,"resultCode":"SUCCESS","granted":1000000,"validitySeconds":3600,"threshold":200000,"finalUnit":false}],"prepaid":false,"detail":null},"unit":0,"zone":"home","createFingerprint":"AAAA","lastFingerprint":"BBBB","notifyUri":"http://127.0.0.1:9/nchf-notify","lastSequence":2,"lastAnswer":{"outcome":1,"chargingDataRef":"{{{{Account}}}}-3","sequence":2,"at":"2026-11-27T13:23:26+00:00","grants":[{"ratingGroup":10,"unit":0,"resultCode":"SUCCESS","granted":900000,"validitySeconds":3599,"threshold":180000,"finalUnit":false}],"prepaid":false,"detail":null},"reservations":{"10":{"id":"{{{{Account}}}}-3/10/2","zone":"home"}},"lastContainers":{"10":1},"lastSeenAt":"2026-11-27T13:23:26+00:00","endedAt":null},
          "{{{{Account}}}}-4":{"ref":"{{{{Account}}}}-4","createKey":"smsc|5","createAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-4","sequence":1,"at":"2026-11-27T13:23:27+00:00","grants":[{"ratingGroup":30,"unit":2,"resultCode":"SUCCESS","granted":1,"validitySeconds":3600,"threshold":null,"finalUnit":false}],"prepaid":false,"detail":null},"unit":2,"zone":"home","createFingerprint":"CCCC","lastFingerprint":"CCCC","notifyUri":null,"lastSequence":1,"lastAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-4","sequence":1,"at":"2026-11-27T13:23:27+00:00","grants":[{"ratingGroup":30,"unit":2,"resultCode":"SUCCESS","granted":1,"validitySeconds":3600,"threshold":null,"finalUnit":false}],"prepaid":false,"detail":null},"reservations":{},"lastContainers":{},"lastSeenAt":"2026-11-27T13:23:27+00:00","endedAt":"2026-11-27T13:23:27+00:00"}},
         "sessionsByCreateKey":{"smf|26":"{{{{Account}}}}-2","smf|27":"{{{{Account}}}}-3","smsc|5":"{{{{Account}}}}-4"},
         "sessionCount":4,"appliedChanges":["order-1/item-1"],"topUpCount":0,"topUps":[],"pool":null}
        """;

    [Fact]
    public void AStateWrittenByVersionOneLoadsWithWhatItsRetransmissionsNeed()
    {
        var state = Load(VersionOne);
        state.Migrate();

        Assert.Equal(ChargingAccountState.CurrentSchemaVersion, state.SchemaVersion);
        Assert.Equal(4, state.SessionCount);
        var released = state.Sessions[$"{Account}-2"];
        Assert.Equal((1, 12, 11L), (released.CreateSequence, released.LastSequence, released.LastContainers[10]));
        Assert.Equal("BCEA23F80D1C9BFC1B011EF8", released.LastFingerprint);
        // A retransmitted release is 204 from the sequence number and fingerprint alone; the create's grant is long used.
        Assert.Null(released.CreateAnswer);
        Assert.Null(released.LastAnswer);
        Assert.Null(released.NotifyUri);

        var open = state.Sessions[$"{Account}-3"];
        Assert.Equal(900_000, Assert.Single(open.LastAnswer!.Grants).Granted);
        Assert.Null(open.CreateAnswer);
        Assert.Equal("http://127.0.0.1:9/nchf-notify", open.NotifyUri);
        Assert.Equal($"{Account}-3/10/2", open.Reservations[10].Id);

        // A one-time event's tombstone answers a retransmitted create: its answer stays, once.
        var sms = state.Sessions[$"{Account}-4"];
        Assert.Equal(1, Assert.Single(sms.CreateAnswer!.Grants).Granted);
        Assert.Null(sms.LastAnswer);
        Assert.Equal(1, sms.CreateSequence);
    }

    [Fact]
    public void AStateWritesNoNullsAndReadsBackTheSame()
    {
        var state = Load(VersionOne);
        state.Migrate();
        var written = Write(state);

        Assert.DoesNotContain("null", written, StringComparison.Ordinal);
        Assert.Contains($"\"schemaVersion\":{ChargingAccountState.CurrentSchemaVersion}", written, StringComparison.Ordinal);
        Assert.True(written.Length < VersionOne.Length / 2, $"{written.Length} bytes written for {VersionOne.Length} read");
        var again = Load(written);
        again.Migrate();
        Assert.Equal(written, Write(again));
        Assert.Equal(Describe(state), Describe(again));
        Assert.Equal($"{Account}-4", again.SessionsByCreateKey["smsc|5"]);
    }

    /// <summary>
    /// Version 3 writes sessions with a hand-written converter: a property added to <see cref="ChargingSession"/> and not
    /// to the converter would silently not be stored. Every settable property is given a value other than its default
    /// (the test fails on a property it does not know) and must read back as it was written.
    /// </summary>
    [Fact]
    public void EveryPropertyOfASessionIsStoredAndReadBack()
    {
        var session = FullSession();
        var fresh = new ChargingSession { Ref = "", CreateKey = "" };
        var unset = typeof(ChargingSession).GetProperties().Where(p => p.CanWrite)
            .Where(p => Equals(JsonSerializer.Serialize(p.GetValue(session)), JsonSerializer.Serialize(p.GetValue(fresh)))).Select(p => p.Name).ToList();
        Assert.True(unset.Count == 0, $"give these properties a value in this test (and make sure the converter stores them): {string.Join(", ", unset)}");

        var state = Load(VersionOne);
        state.Migrate();
        state.Sessions[session.Ref] = session;
        var again = Load(Write(state));
        again.Migrate();
        Assert.Equal(JsonSerializer.Serialize(session, JsonSerializerOptions.Web), JsonSerializer.Serialize(again.Sessions[session.Ref], JsonSerializerOptions.Web));
    }

    /// <summary>
    /// A pool member's dry run rates a copy of the state (<c>CopyForDryRun</c>, made field by field): it must hold what the
    /// account's row stored and read back holds (the open sessions, every property of the state and of each session), and
    /// share nothing the dry run could change.
    /// </summary>
    [Fact]
    public void TheDryRunsCopyHoldsWhatTheStoredRowHoldsAndSharesNothingMutable()
    {
        var state = Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "AccountStateVersion2.json")));
        state.Migrate();
        var open = FullSession();
        open.EndedAt = null;
        state.Sessions[open.Ref] = open;
        state.Sessions = state.Sessions;
        state.AppliedChanges.Add("order-9/item-1");
        state.TopUpCount = 1;
        state.TopUps.Add(new TopUpRecord("t-1", "k-1", "F", "p-1", 10m, "EUR", "1234", "goodwill", "care", "agent-1", new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero), 0m, 10m));
        state.Pool = new PoolMembership { PoolId = Guid.Parse("0191a2b3-c4d5-7e6f-8091-a2b3c4d5e6f7"), Holds = new(StringComparer.Ordinal) { [$"{open.Ref}/10/7"] = 5 }, Leaving = true };
        var fresh = new ChargingAccountState();
        var unset = typeof(ChargingAccountState).GetProperties().Where(p => p.CanWrite && p.Name != nameof(ChargingAccountState.SchemaVersion)) // always the current one
            .Where(p => Equals(JsonSerializer.Serialize(p.GetValue(state)), JsonSerializer.Serialize(p.GetValue(fresh)))).Select(p => p.Name).ToList();
        Assert.True(unset.Count == 0, $"give these properties a value in this test (and make sure CopyForDryRun copies them): {string.Join(", ", unset)}");

        var copy = state.CopyForDryRun();
        var reread = JsonGrainStateSerializer.Default.Deserialize<ChargingAccountState>(JsonGrainStateSerializer.Default.Serialize(state));
        Assert.Equal(Single(reread), Single(copy));
        Assert.Equal(Describe(reread), Describe(copy));
        Assert.Single(copy.Sessions);

        var before = Single(state) + Describe(state);
        var copied = copy.Sessions[open.Ref];
        copied.Reservations.Clear();
        copied.LastContainers[10] = 99;
        copied.LastSequence = 99;
        copy.Sessions.Clear();
        copy.SessionsByCreateKey.Clear();
        copy.Profile!.Status = AccountStatus.Barred;
        copy.Pool!.Holds.Clear();
        copy.AppliedChanges.Clear();
        copy.TopUps.Clear();
        Assert.Equal(before, Single(state) + Describe(state));
    }

    /// <summary>
    /// A consumer that used a charging id again has two sessions under one create key. When the newer one is forgotten
    /// while the older is kept, the key names the older one — in the live state as in a state read back (which rebuilds
    /// the index), so a reactivated grain or a copy answers a retransmitted create as the live grain does.
    /// </summary>
    [Fact]
    public void ForgettingTheNewestSessionOfACreateKeyLeavesTheIndexAsARebuildWouldMakeIt()
    {
        var state = Load(VersionOne);
        state.Migrate();
        var older = state.Sessions[$"{Account}-3"];
        var newer = new ChargingSession { Ref = $"{Account}-7", CreateKey = older.CreateKey, CreateSequence = 1, LastSequence = 1, LastSeenAt = older.LastSeenAt };
        state.Sessions[newer.Ref] = newer;
        state.SessionsByCreateKey[newer.CreateKey] = newer.Ref;

        state.Forget(newer);
        Assert.Equal(older.Ref, state.SessionsByCreateKey[older.CreateKey]);
        var reread = Load(Write(state));
        Assert.Equal(state.SessionsByCreateKey.OrderBy(p => p.Key, StringComparer.Ordinal), reread.SessionsByCreateKey.OrderBy(p => p.Key, StringComparer.Ordinal));

        state.Forget(older);
        Assert.False(state.SessionsByCreateKey.ContainsKey(older.CreateKey));
    }

    [Fact]
    public void AStateWrittenByVersionTwoLoadsEverySessionAsItWasStored()
    {
        var stored = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "AccountStateVersion2.json"));
        var expected = JsonNode.Parse(stored)!.AsObject();

        var state = Load(stored);
        state.Migrate();

        Assert.Equal(ChargingAccountState.CurrentSchemaVersion, state.SchemaVersion);
        Assert.Equal(9, state.SessionCount);
        Assert.NotNull(state.Wallet);
        var sessions = expected["sessions"]!.AsObject();
        Assert.Equal(sessions.Count, state.Sessions.Count);
        foreach (var (reference, node) in sessions)
        {
            var session = state.Sessions[reference];
            Assert.Equal(
                (reference, (string)node!["createKey"]!, (long)node["createSequence"]!, (string?)node["createFingerprint"], (string?)node["lastFingerprint"],
                    (long)node["lastSequence"]!, (long)node["lastContainers"]!["10"]!, DateTimeOffset.Parse((string)node["lastSeenAt"]!, System.Globalization.CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse((string)node["endedAt"]!, System.Globalization.CultureInfo.InvariantCulture)),
                (session.Ref, session.CreateKey, session.CreateSequence, session.CreateFingerprint, session.LastFingerprint,
                    session.LastSequence, session.LastContainers[10], session.LastSeenAt, session.EndedAt!.Value));
            Assert.Null(session.CreateAnswer);
            Assert.Null(session.LastAnswer);
        }

        Assert.Equal(
            expected["sessionsByCreateKey"]!.AsObject().Select(pair => (pair.Key, (string)pair.Value!)).OrderBy(pair => pair.Key, StringComparer.Ordinal),
            state.SessionsByCreateKey.Select(pair => (pair.Key, pair.Value)).OrderBy(pair => pair.Key, StringComparer.Ordinal));

        var again = Load(Write(state));
        again.Migrate();
        Assert.Equal(Describe(state), Describe(again));
        Assert.Equal(Write(state), Write(again));
    }

    [Fact]
    public void AnAccountWithThirtyTwoTombstonesWritesLessThanHalfOfVersionTwosBytes()
    {
        // The version 2 state a bench run left (9 released sessions), grown to the 32 tombstones an account keeps.
        var stored = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "AccountStateVersion2.json")))!.AsObject();
        var sessions = stored["sessions"]!.AsObject();
        var byCreateKey = stored["sessionsByCreateKey"]!.AsObject();
        var (firstRef, first) = sessions.First();
        var accountPrefix = firstRef[..(firstRef.LastIndexOf('-') + 1)];
        for (var number = sessions.Count + 1; number <= 32; number++)
        {
            var tombstone = first!.DeepClone().AsObject();
            var reference = accountPrefix + number;
            var createKey = ((string)first["createKey"]!).Split('|')[0] + "|" + (1000 + number);
            tombstone["ref"] = reference;
            tombstone["createKey"] = createKey;
            sessions[reference] = tombstone;
            byCreateKey[createKey] = reference;
        }

        stored["sessionCount"] = 32;
        var versionTwo = stored.ToJsonString();
        var state = Load(versionTwo);
        state.Migrate();
        var versionThree = Write(state);

        var serialise = Stopwatch.StartNew();
        const int rounds = 2_000;
        for (var round = 0; round < rounds; round++)
        {
            Write(state);
        }

        serialise.Stop();
        var perTombstone = (Encoding.UTF8.GetByteCount(versionThree) - Encoding.UTF8.GetByteCount(Write(WithoutSessions(state)))) / 32.0;
        output.WriteLine($"32 tombstones: version 2 {Encoding.UTF8.GetByteCount(versionTwo)} bytes, version 3 {Encoding.UTF8.GetByteCount(versionThree)} bytes "
            + $"({perTombstone:F0} bytes a tombstone); serialised in {serialise.Elapsed.TotalMicroseconds / rounds:F1} µs (Debug build, shared machine)");
        Assert.True(versionThree.Length * 2 < versionTwo.Length, $"version 3 {versionThree.Length} bytes, version 2 {versionTwo.Length}");
        var again = Load(versionThree);
        again.Migrate();
        Assert.Equal(32, again.Sessions.Count);
        Assert.Equal(Describe(state), Describe(again));
    }

    /// <summary>
    /// Every write of an account holds every tombstone: an ended session is encoded once and its stored form written
    /// again as it is. Usage reported after the end changes the tombstone (a later sequence number, containers, the last
    /// request's fingerprint): the next write stores the change, exactly as a fresh encoding would.
    /// </summary>
    [Fact]
    public void ATombstoneIsWrittenFromItsStoredFormUntilLateUsageChangesIt()
    {
        var state = Load(VersionOne);
        state.Migrate();
        var released = state.Sessions[$"{Account}-2"];
        var first = Write(state);
        var encoded = released.Stored?.Json;
        Assert.NotNull(encoded);
        Assert.Null(state.Sessions[$"{Account}-3"].Stored);

        Assert.Equal(first, Write(state));
        Assert.Same(encoded, released.Stored?.Json);

        released.LastSequence = 13;
        released.LastContainers[10] = 12;
        released.LastFingerprint = "LATE";
        var written = Write(state);
        Assert.NotSame(encoded, released.Stored?.Json);
        var again = Load(written);
        again.Migrate();
        var reread = again.Sessions[released.Ref];
        Assert.Equal((13L, 12L, "LATE"), (reread.LastSequence, reread.LastContainers[10], reread.LastFingerprint));
        Assert.Equal(written, Write(again));

        // A change that keeps the sequence number (none does today) is stored once the session is compacted, as every change is.
        released.Zone = "roaming";
        released.Compact();
        Assert.Equal("roaming", Load(Write(state)).Sessions[released.Ref].Zone);
    }

    [Fact]
    public void AStateOfANewerVersionIsRefused()
    {
        var state = Load(VersionOne.Replace("\"schemaVersion\":1", $"\"schemaVersion\":{ChargingAccountState.CurrentSchemaVersion + 1}", StringComparison.Ordinal));

        Assert.Throws<InvalidOperationException>(state.Migrate);
    }

    // Every field of every session, by name, as the grain reads them (the stored shape aside).
    // A session with every settable property given a value other than its default (the tests check that none is missed).
    private static ChargingSession FullSession()
    {
        var answer = new ChargingAnswer(ChargingOutcome.Updated, $"{Account}-9", 7, new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero),
            [new UnitGrant(10, Dialtone.Charging.Rating.UsageUnit.Octet, "SUCCESS", 5, 60, 1, FinalUnit: true)], Prepaid: true, "detail");
        return new ChargingSession
        {
            Ref = $"{Account}-9",
            CreateKey = "smf|99",
            CreateSequence = 3,
            CreateAnswer = answer with { Sequence = 3 },
            Unit = Dialtone.Charging.Rating.UsageUnit.Second,
            Zone = "roaming",
            CreateFingerprint = "CF",
            LastFingerprint = "LF",
            NotifyUri = "http://127.0.0.1:9/notify",
            LastSequence = 7,
            LastAnswer = answer,
            Reservations = new() { [10] = new SessionReservation("r-1", "roaming") },
            LastContainers = new() { [10] = 4 },
            LastSeenAt = new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero).AddTicks(7),
            EndedAt = new DateTimeOffset(2026, 11, 28, 1, 9, 0, TimeSpan.Zero),
        };
    }

    // The account's own row alone, as the store writes it.
    private static string Single(ChargingAccountState state) => Encoding.UTF8.GetString(JsonGrainStateSerializer.Default.Serialize(state).ToArray());

    private static string Describe(ChargingAccountState state) =>
        JsonSerializer.Serialize(state.Sessions.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value).ToList(), JsonSerializerOptions.Web)
        + JsonSerializer.Serialize(state.SessionsByCreateKey.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList(), JsonSerializerOptions.Web);

    private static ChargingAccountState WithoutSessions(ChargingAccountState state)
    {
        var copy = Load(Write(state));
        copy.Sessions = new(StringComparer.Ordinal);
        return copy;
    }

    // The account's row and, after a record separator, its tombstones' row (schema 4), as the grain store reads them.
    private static ChargingAccountState Load(string stored)
    {
        var rows = stored.Split('\u001e');
        var state = JsonGrainStateSerializer.Default.Deserialize<ChargingAccountState>(new BinaryData(Encoding.UTF8.GetBytes(rows[0])));
        ((IHasColdPart)state).LoadColdPart(rows.Length > 1 ? new BinaryData(Encoding.UTF8.GetBytes(rows[1])) : null, JsonGrainStateSerializer.Default);
        return state;
    }

    // Both rows, whole (the grain store writes the tombstones' row only when it changed).
    private static string Write(ChargingAccountState state)
    {
        var tombstones = new ChargingTombstones { Sessions = state.Sessions.Where(pair => pair.Value.EndedAt is not null).ToDictionary(StringComparer.Ordinal) };
        return Encoding.UTF8.GetString(JsonGrainStateSerializer.Default.Serialize(state).ToArray()) + "\u001e"
            + Encoding.UTF8.GetString(JsonGrainStateSerializer.Default.Serialize(tombstones).ToArray());
    }
}
