using System.Text;
using System.Text.Json.Serialization;
using Dialtone.Charging.Storage;
using Npgsql;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using static Dialtone.Charging.Tests.Storage.StorageUnderTest;

namespace Dialtone.Charging.Tests.Storage;

/// <summary>A test state that carries outgoing messages.</summary>
public sealed class Tally : IHasGrainOutbox
{
    public int Value { get; set; }

    [JsonIgnore]
    public List<GrainOutboxEntry> Outbox { get; } = [];
}

/// <summary>
/// The grain outbox: entries a state carries are taken out of it and stored in <c>grain_outbox</c> in the same transaction
/// as the state row: both or neither, once per kind and id.
/// </summary>
public sealed class GrainOutboxStorage
{
    public static TheoryData<StorageDatabase> All => Databases;

    private static readonly DateTimeOffset At = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(All))]
    public async Task EntriesAreStoredWithTheStateLeaveItAndAreInsertedOncePerKindAndId(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("tally-1");
        var state = new GrainState<Tally>(new Tally { Value = 1 });
        state.State!.Outbox.Add(new GrainOutboxEntry("ref-1/2/10", "usage", """{"used":5}""", At));
        state.State!.Outbox.Add(new GrainOutboxEntry("ref-1/2/10", "notification", """{"n":1}""", At));
        await storage.WriteStateAsync("tally", grain, state);
        Assert.Empty(state.State!.Outbox);

        // The same kind and id again (a replayed write): ignored; a new id: stored after the first ones.
        state.State!.Value = 2;
        state.State!.Outbox.Add(new GrainOutboxEntry("ref-1/2/10", "usage", """{"used":999}""", At));
        state.State!.Outbox.Add(new GrainOutboxEntry("ref-1/3/10", "usage", """{"used":7}""", At.AddSeconds(1)));
        await storage.WriteStateAsync("tally", grain, state);

        var stored = await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None);
        Assert.Equal(
            [("usage", "ref-1/2/10", """{"used":5}"""), ("notification", "ref-1/2/10", """{"n":1}"""), ("usage", "ref-1/3/10", """{"used":7}""")],
            stored.Select(s => (s.Entry.Kind, s.Entry.Id, s.Entry.Payload)));
        Assert.Equal(At, stored[0].Entry.CreatedAt);
        Assert.All(stored, s => Assert.Equal(0, s.Attempts));

        var read = Empty<Tally>();
        await storage.ReadStateAsync("tally", grain, read);
        Assert.Equal(2, read.State!.Value);
        Assert.Empty(read.State!.Outbox);
        Assert.DoesNotContain("outbox", await RawPayloadAsync(place, grain), StringComparison.OrdinalIgnoreCase);

        Assert.Equal((3L, At, 0L), await storage.Dialect.OutboxDepthAsync(CancellationToken.None));
        await storage.Dialect.CountOutboxFailureAsync([stored[0].Sequence], CancellationToken.None);
        await storage.RemoveRelayedAsync([stored[1].Sequence, stored[2].Sequence]);
        var left = Assert.Single(await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None));
        Assert.Equal((stored[0].Sequence, 1), (left.Sequence, left.Attempts));
        Assert.Empty(await storage.Dialect.ReadOutboxAsync(100, ["usage"], CancellationToken.None));
    }

    [Theory, MemberData(nameof(All))]
    public async Task RelayedEntriesAreRemovedByTheWriterInItsNextTransactionWithTheGrainWritesQueuedMeanwhile(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var first = new GrainState<Tally>(new Tally { Value = 1 });
        first.State!.Outbox.Add(new GrainOutboxEntry("relayed", "usage", "{}", At));
        await storage.WriteStateAsync("tally", Grain("tally-r1"), first);
        var relayed = Assert.Single(await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None));
        var batchesBefore = storage.Batches;

        // One writer: while it holds, neither the removal nor a grain's write is committed; released, both are, in one
        // transaction (the removal counts no batch of its own).
        Task removal, write;
        var second = new GrainState<Tally>(new Tally { Value = 2 });
        second.State!.Outbox.Add(new GrainOutboxEntry("next", "usage", "{}", At));
        using (storage.HoldWrites())
        {
            removal = storage.RemoveRelayedAsync([relayed.Sequence]);
            write = storage.WriteStateAsync("tally", Grain("tally-r2"), second);
            await Task.Delay(50);
            Assert.False(removal.IsCompleted);
            Assert.Single(await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None));
        }

        await Task.WhenAll(removal, write);
        Assert.Equal(1, storage.Batches - batchesBefore);
        Assert.Equal(["next"], (await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None)).Select(s => s.Entry.Id));

        // Alone (nothing else queued), a removal wakes the idle writer.
        var next = Assert.Single(await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None));
        await storage.RemoveRelayedAsync([next.Sequence]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None));
        Assert.Equal(1, storage.Batches - batchesBefore);
    }

    [Theory, MemberData(nameof(All))]
    public async Task AWriteThatFailsStoresNeitherTheStateNorItsEntries(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("tally-2");
        var state = new GrainState<Tally>(new Tally { Value = 1 });
        state.State!.Outbox.Add(new GrainOutboxEntry("a", "usage", "{}", At));
        await storage.WriteStateAsync("tally", grain, state);
        await RefuseOutboxKindAsync(place, "poison");

        // The state row is updated first, then the entries are inserted: an insert that fails rolls the state back too.
        state.State!.Value = 2;
        state.State!.Outbox.Add(new GrainOutboxEntry("b", "usage", "{}", At));
        state.State!.Outbox.Add(new GrainOutboxEntry("c", "poison", "{}", At));
        await Assert.ThrowsAsync<OrleansException>(() => storage.WriteStateAsync("tally", grain, state));

        // A write that loses its version check stores no entry either.
        var stale = new GrainState<Tally>(new Tally { Value = 3 }) { ETag = "7" };
        stale.State!.Outbox.Add(new GrainOutboxEntry("d", "usage", "{}", At));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("tally", grain, stale));

        var read = Empty<Tally>();
        await storage.ReadStateAsync("tally", grain, read);
        Assert.Equal((1, "1"), (read.State!.Value, read.ETag));
        Assert.Equal(["a"], (await storage.Dialect.ReadOutboxAsync(100, [], CancellationToken.None)).Select(s => s.Entry.Id));
    }

    [Theory, MemberData(nameof(All))]
    public async Task OneNodeRelaysAtATimeAndAnotherTakesOverWhenItsSessionDies(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var (first, second) = (place.Open(), place.Open());
        await first.Dialect.InitializeAsync(CancellationToken.None);
        var lease = await first.Dialect.TryLeaseOutboxRelayAsync(CancellationToken.None);
        Assert.NotNull(lease);
        Assert.True(await lease.StillHeldAsync(CancellationToken.None));
        if (database == StorageDatabase.Sqlite)
        {
            // The file is one process's alone: its relay never waits for a lease.
            Assert.IsType<SoleRelayLease>(lease);
            return;
        }

        Assert.Null(await second.Dialect.TryLeaseOutboxRelayAsync(CancellationToken.None));
        await lease.DisposeAsync();
        var taken = await second.Dialect.TryLeaseOutboxRelayAsync(CancellationToken.None);
        Assert.NotNull(taken);
        Assert.Null(await first.Dialect.TryLeaseOutboxRelayAsync(CancellationToken.None));

        // The holder's node dies (its database session ends): the lease says so, and the other node takes over.
        var key = ((PostgresGrainStateDialect)second.Dialect).OutboxRelayLockKey;
        await using (var admin = new NpgsqlConnection(place.PostgresConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = admin.CreateCommand();
            kill.CommandText = "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = @high AND objid::bigint = @low";
            kill.Parameters.AddWithValue("high", (long)(uint)(key >> 32));
            kill.Parameters.AddWithValue("low", (long)(uint)key);
            Assert.Equal(1, (await kill.ExecuteScalarAsync()) is true ? 1 : 0);
        }

        Assert.False(await taken.StillHeldAsync(CancellationToken.None));
        await taken.DisposeAsync();
        await using var after = await first.Dialect.TryLeaseOutboxRelayAsync(CancellationToken.None);
        Assert.NotNull(after);
    }

    private static async Task RefuseOutboxKindAsync(StorageUnderTest place, string kind)
    {
        await using var connection = await place.OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = place.Database == StorageDatabase.Sqlite
            ? $"CREATE TRIGGER refuse_{kind} BEFORE INSERT ON grain_outbox WHEN NEW.kind = '{kind}' BEGIN SELECT RAISE(ABORT, 'refused'); END;"
            : $"""
                CREATE FUNCTION {place.Schema}.refuse_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
                CREATE TRIGGER refuse_{kind} BEFORE INSERT ON {place.Schema}.grain_outbox FOR EACH ROW WHEN (NEW.kind = '{kind}') EXECUTE FUNCTION {place.Schema}.refuse_{kind}();
                """;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> RawPayloadAsync(StorageUnderTest place, GrainId grain)
    {
        await using var connection = await place.OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT payload FROM {place.StateTable} WHERE grain_id = '{grain.Key}'";
        return Encoding.UTF8.GetString((byte[])(await command.ExecuteScalarAsync())!);
    }
}
