using System.Text;
using System.Text.Json.Nodes;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Storage;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using static Dialtone.Charging.Tests.Storage.StorageUnderTest;

namespace Dialtone.Charging.Tests.Storage;

/// <summary>
/// A charging account's tombstones are stored in a row of their own (schema version 4), written in the same transaction
/// as the account's row and only when they change, so that the row written with every charging request stays small.
/// </summary>
public sealed class ColdPartStorage
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 7, 0, 0, TimeSpan.Zero);

    public static TheoryData<StorageDatabase> All => Databases;

    [Theory, MemberData(nameof(All))]
    public async Task TombstonesAreStoredApartAndWrittenOnlyWhenTheyChange(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("account-1");
        var state = new GrainState<ChargingAccountState>(Account(open: ["a-1"], ended: ["a-2", "a-3"]));

        await storage.WriteStateAsync("account", grain, state);
        var rows = await RowsAsync(place, grain);
        Assert.Equal([("account", 1L), ("account.part", 1L)], rows.Select(row => (row.Key, row.Value.Version)));
        Assert.Contains("\"a-1\"", rows["account"].Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("\"a-2\"", rows["account"].Payload, StringComparison.Ordinal);
        Assert.Contains("\"a-2\"", rows["account.part"].Payload, StringComparison.Ordinal);
        Assert.Contains("\"a-3\"", rows["account.part"].Payload, StringComparison.Ordinal);

        // An update of the open session: the account's row alone.
        state.State!.Sessions["a-1"].LastSequence = 5;
        await storage.WriteStateAsync("account", grain, state);
        rows = await RowsAsync(place, grain);
        Assert.Equal([("account", 2L), ("account.part", 1L)], rows.Select(row => (row.Key, row.Value.Version)));

        // The session ends: both rows, in one transaction.
        state.State.Sessions["a-1"].EndedAt = Now.AddMinutes(1);
        await storage.WriteStateAsync("account", grain, state);
        rows = await RowsAsync(place, grain);
        Assert.Equal([("account", 3L), ("account.part", 2L)], rows.Select(row => (row.Key, row.Value.Version)));

        // Read back: every session, as the grain had them; a write that changes no tombstone leaves their row alone.
        var read = Empty<ChargingAccountState>();
        read.State = new ChargingAccountState();
        await storage.ReadStateAsync("account", grain, read);
        Assert.Equal("3", read.ETag);
        Assert.Equal(["a-1", "a-2", "a-3"], read.State!.Sessions.Keys.Order(StringComparer.Ordinal));
        Assert.All(read.State.Sessions.Values, session => Assert.NotNull(session.EndedAt));
        Assert.Equal(5, read.State.Sessions["a-1"].LastSequence);
        Assert.Equal("a-1", read.State.SessionsByCreateKey["smf|a-1"]);
        read.State.SessionCount++;
        await storage.WriteStateAsync("account", grain, read);
        rows = await RowsAsync(place, grain);
        Assert.Equal([("account", 4L), ("account.part", 2L)], rows.Select(row => (row.Key, row.Value.Version)));

        // Late usage after the end changes a tombstone (a later sequence number); a forgotten one leaves the row.
        read.State.Sessions["a-2"].LastSequence = 13;
        read.State.Forget(read.State.Sessions["a-3"]);
        await storage.WriteStateAsync("account", grain, read);
        var again = new GrainState<ChargingAccountState>(new ChargingAccountState());
        await storage.ReadStateAsync("account", grain, again);
        Assert.Equal(["a-1", "a-2"], again.State!.Sessions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(13, again.State.Sessions["a-2"].LastSequence);
        Assert.Equal(3L, (await RowsAsync(place, grain))["account.part"].Version);

        // A tombstone forgotten alone is a change; so is one forgotten while another session ends (as many tombstones as
        // before, not the same ones).
        again.State.Sessions["a-4"] = new ChargingSession { Ref = "a-4", CreateKey = "smf|a-4", CreateSequence = 1, LastSequence = 1, LastSeenAt = Now };
        again.State.Forget(again.State.Sessions["a-2"]);
        await storage.WriteStateAsync("account", grain, again);
        Assert.Equal(4L, (await RowsAsync(place, grain))["account.part"].Version);
        again.State.Sessions["a-4"].EndedAt = Now.AddMinutes(3);
        again.State.Forget(again.State.Sessions["a-1"]);
        await storage.WriteStateAsync("account", grain, again);
        Assert.Equal(5L, (await RowsAsync(place, grain))["account.part"].Version);
        var last = new GrainState<ChargingAccountState>(new ChargingAccountState());
        await storage.ReadStateAsync("account", grain, last);
        Assert.Equal(["a-4"], last.State!.Sessions.Keys);
        Assert.NotNull(last.State.Sessions["a-4"].EndedAt);
    }

    [Theory, MemberData(nameof(All))]
    public async Task AWriteThatLosesItsVersionCheckWritesNoTombstones(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("account-2");
        var state = new GrainState<ChargingAccountState>(Account(open: ["b-1"], ended: ["b-2"]));
        await storage.WriteStateAsync("account", grain, state);

        var stale = new GrainState<ChargingAccountState>(Account(open: [], ended: ["b-1", "b-2", "b-9"])) { ETag = "7" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("account", grain, stale));

        var rows = await RowsAsync(place, grain);
        Assert.Equal([("account", 1L), ("account.part", 1L)], rows.Select(row => (row.Key, row.Value.Version)));
        Assert.DoesNotContain("\"b-9\"", rows["account.part"].Payload, StringComparison.Ordinal);

        // The grain's next write after reloading stores what it then holds.
        await storage.ReadStateAsync("account", grain, stale);
        stale.State!.Sessions["b-1"].EndedAt = Now.AddMinutes(2);
        await storage.WriteStateAsync("account", grain, stale);
        Assert.Contains("\"b-1\"", (await RowsAsync(place, grain))["account.part"].Payload, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(All))]
    public async Task AStateOfVersionThreeLoadsItsTombstonesFromItsOwnRowAndItsNextWriteMovesThemApart(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("account-3");
        var versionThree = JsonNode.Parse("""
            {"schemaVersion":3,"sessionCount":2,"sessions":{
              "c-1":{"k":"smf|c-1","cs":1,"ls":2,"t":639315289695598724},
              "c-2":{"k":"smf|c-2","cs":1,"ls":12,"c":{"10":11},"e":639315289695598724}}}
            """)!.AsObject();
        await storage.WriteStateAsync("account", grain, new GrainState<JsonObject>(versionThree));

        var state = new GrainState<ChargingAccountState>(new ChargingAccountState());
        await storage.ReadStateAsync("account", grain, state);
        state.State!.Migrate();
        Assert.Equal(["c-1", "c-2"], state.State.Sessions.Keys.Order(StringComparer.Ordinal));
        Assert.NotNull(state.State.Sessions["c-2"].EndedAt);

        await storage.WriteStateAsync("account", grain, state);
        var rows = await RowsAsync(place, grain);
        Assert.Equal([("account", 2L), ("account.part", 1L)], rows.Select(row => (row.Key, row.Value.Version)));
        Assert.DoesNotContain("\"c-2\"", rows["account"].Payload, StringComparison.Ordinal);
        Assert.Contains("\"c-2\"", rows["account.part"].Payload, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(All))]
    public async Task ClearingTheStateDeletesItsTombstones(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("account-4");
        var state = new GrainState<ChargingAccountState>(Account(open: [], ended: ["d-1"]));
        await storage.WriteStateAsync("account", grain, state);

        await storage.ClearStateAsync("account", grain, state);

        Assert.Equal(["account"], (await RowsAsync(place, grain)).Keys);
        var read = new GrainState<ChargingAccountState>(new ChargingAccountState());
        await storage.ReadStateAsync("account", grain, read);
        Assert.False(read.RecordExists);
        Assert.Empty(read.State!.Sessions);
    }

    [Theory, MemberData(nameof(All))]
    public async Task AnAccountThatNeverEndedASessionHasNoTombstoneRow(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("account-5");
        var state = new GrainState<ChargingAccountState>(new ChargingAccountState());
        await storage.ReadStateAsync("account", grain, state);
        state.State!.Sessions = Account(open: ["e-1"], ended: []).Sessions;

        await storage.WriteStateAsync("account", grain, state);
        await storage.WriteStateAsync("account", grain, state);

        Assert.Equal([("account", 2L)], (await RowsAsync(place, grain)).Select(row => (row.Key, row.Value.Version)));
    }

    private static ChargingAccountState Account(string[] open, string[] ended)
    {
        var sessions = new Dictionary<string, ChargingSession>(StringComparer.Ordinal);
        foreach (var reference in open.Concat(ended))
        {
            sessions[reference] = new ChargingSession
            {
                Ref = reference, CreateKey = "smf|" + reference, CreateSequence = 1, LastSequence = 2, LastSeenAt = Now,
                EndedAt = ended.Contains(reference) ? Now : null,
            };
        }

        return new ChargingAccountState { Sessions = sessions, SessionCount = sessions.Count };
    }

    private static async Task<SortedDictionary<string, (long Version, string Payload)>> RowsAsync(StorageUnderTest place, GrainId grain)
    {
        await using var connection = await place.OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT state_name, version, payload FROM {place.StateTable} WHERE grain_id = '{grain.Key}'";
        var rows = new SortedDictionary<string, (long, string)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? "" : Encoding.UTF8.GetString((byte[])reader.GetValue(2)));
        }

        return rows;
    }
}
