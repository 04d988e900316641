using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Dialtone.Charging.Storage;
using Dialtone.Platform;
using Dialtone.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit.Abstractions;
using static Dialtone.Charging.Tests.Storage.StorageUnderTest;

namespace Dialtone.Charging.Tests.Storage;

public sealed record Balance(string Currency, decimal Amount, int Writes);

public sealed class Counter
{
    public int Value { get; set; }
}

/// <summary>
/// The charging grains' storage: many grains' writes committed in one transaction, each version-checked on its own, each
/// caller answered only after the commit.
/// </summary>
public sealed class BatchingGrainStorageTests(ITestOutputHelper output)
{
    public static TheoryData<StorageDatabase> All => Databases;

    [Theory, MemberData(nameof(All))]
    public async Task AWrittenStateReadsBackWithItsVersionAsETag(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var grain = Grain("alice");

        var missing = Empty<Balance>();
        await storage.ReadStateAsync("balance", grain, missing);
        Assert.False(missing.RecordExists);
        Assert.Null(missing.ETag);

        var state = new GrainState<Balance>(new Balance("EUR", 12.34m, 1));
        await storage.WriteStateAsync("balance", grain, state);
        Assert.Equal(("1", true), (state.ETag, state.RecordExists));

        state.State = state.State! with { Amount = 10.00m, Writes = 2 };
        await storage.WriteStateAsync("balance", grain, state);
        Assert.Equal("2", state.ETag);

        var read = Empty<Balance>();
        await storage.ReadStateAsync("balance", grain, read);
        Assert.Equal(new Balance("EUR", 10.00m, 2), read.State);
        Assert.Equal(("2", true), (read.ETag, read.RecordExists));

        // Another state of the same grain, and the same state of another grain, are other rows.
        var other = Empty<Balance>();
        await storage.ReadStateAsync("allowance", grain, other);
        Assert.False(other.RecordExists);
        await storage.ReadStateAsync("balance", Grain("bob"), other);
        Assert.False(other.RecordExists);
    }

    [Theory, MemberData(nameof(All))]
    public async Task AWriteStoresTheStateAsItWasWhenCalledNotAsTheGrainChangesItAfterwards(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        await storage.EnsureInitializedAsync(CancellationToken.None);
        var state = new GrainState<Counter>(new Counter { Value = 1 });

        Task write;
        using (storage.HoldWrites())
        {
            write = storage.WriteStateAsync("counter", Grain("c"), state);
            state.State!.Value = 2;
        }

        await write;
        var read = Empty<Counter>();
        await storage.ReadStateAsync("counter", Grain("c"), read);
        Assert.Equal(1, read.State!.Value);
    }

    [Theory, MemberData(nameof(All))]
    public async Task AStaleETagFailsThatWriteAloneAndTheRestOfItsBatchCommits(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open();
        var contested = new GrainState<Balance>(new Balance("EUR", 1m, 1));
        await storage.WriteStateAsync("balance", Grain("contested"), contested);
        var batchesBefore = storage.Batches;

        var others = Enumerable.Range(0, 10).Select(i => new GrainState<Balance>(new Balance("EUR", i, 1))).ToArray();
        var neverRead = new GrainState<Balance>(new Balance("EUR", 99m, 1));
        var wrongVersion = new GrainState<Balance>(new Balance("EUR", 98m, 1), "7");
        Task[] good;
        Task neverReadWrite, wrongVersionWrite;
        using (storage.HoldWrites())
        {
            contested.State = contested.State! with { Amount = 2m, Writes = 2 };
            good = [storage.WriteStateAsync("balance", Grain("contested"), contested),
                    .. others.Select((state, i) => storage.WriteStateAsync("balance", Grain($"other-{i}"), state))];
            // A second activation that never saw the record, and one holding a version that never was.
            neverReadWrite = storage.WriteStateAsync("balance", Grain("contested"), neverRead);
            wrongVersionWrite = storage.WriteStateAsync("balance", Grain("contested"), wrongVersion);
        }

        await Task.WhenAll(good);
        var neverReadConflict = await Assert.ThrowsAsync<InconsistentStateException>(() => neverReadWrite);
        var wrongVersionConflict = await Assert.ThrowsAsync<InconsistentStateException>(() => wrongVersionWrite);
        Assert.Equal(("2", null), (neverReadConflict.StoredEtag, neverReadConflict.CurrentEtag));
        Assert.Equal(("2", "7"), (wrongVersionConflict.StoredEtag, wrongVersionConflict.CurrentEtag));
        Assert.Equal(1, storage.Batches - batchesBefore);
        Assert.Equal(13, storage.LargestBatch);
        Assert.Equal(("7", null), (wrongVersion.ETag, neverRead.ETag));

        Assert.Equal("2", contested.ETag);
        var read = Empty<Balance>();
        await storage.ReadStateAsync("balance", Grain("contested"), read);
        Assert.Equal((new Balance("EUR", 2m, 2), "2"), (read.State, read.ETag));
        for (var i = 0; i < others.Length; i++)
        {
            Assert.Equal("1", others[i].ETag);
            await storage.ReadStateAsync("balance", Grain($"other-{i}"), read);
            Assert.Equal((new Balance("EUR", i, 1), "1"), (read.State, read.ETag));
        }
    }

    [Theory, MemberData(nameof(All))]
    public async Task AThousandConcurrentWritesToTwoHundredGrainsAreAllAcknowledgedInBatchesAndReadable(StorageDatabase database)
    {
        const int Grains = 200;
        const int WritesPerGrain = 5;
        await using var place = new StorageUnderTest(database);
        var batchSizes = new ConcurrentQueue<int>();
        long countedWrites = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == ChargingStorageMetrics.MeterName)
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "dialtone.charging.storage.batch_size" && IsFrom(place.Name, tags))
            {
                batchSizes.Enqueue(value);
            }
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "dialtone.charging.storage.writes" && IsFrom(place.Name, tags))
            {
                Interlocked.Add(ref countedWrites, value);
            }
        });
        var waits = new ConcurrentDictionary<string, ConcurrentQueue<double>>();
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name is "dialtone.charging.storage.queue_wait" or "dialtone.charging.storage.write_duration" && IsFrom(place.Name, tags))
            {
                waits.GetOrAdd(instrument.Name, _ => new()).Enqueue(value);
            }
        });
        listener.Start();
        var storage = place.Open();
        await storage.EnsureInitializedAsync(CancellationToken.None);

        // Each grain writes one after another (as an Orleans grain awaits its write); the grains all at once.
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Grains).Select(async grain =>
        {
            var state = new GrainState<Counter>(new Counter());
            for (var write = 1; write <= WritesPerGrain; write++)
            {
                state.State!.Value = write;
                await storage.WriteStateAsync("counter", Grain($"g{grain}"), state);
            }
        }));
        stopwatch.Stop();

        output.WriteLine(
            $"{database}: {Grains * WritesPerGrain} writes in {stopwatch.Elapsed.TotalMilliseconds:F0} ms = " +
            $"{Grains * WritesPerGrain / stopwatch.Elapsed.TotalSeconds:F0} writes/s; {storage.Batches} transactions, " +
            $"largest {storage.LargestBatch}, mean {(double)storage.CommittedWrites / storage.Batches:F1}");
        Assert.Equal(Grains * WritesPerGrain, storage.CommittedWrites);
        Assert.True(storage.LargestBatch > 1, $"every transaction held one write ({storage.Batches} transactions)");
        Assert.Contains(batchSizes, size => size > 1);
        Assert.Equal(Grains * WritesPerGrain, batchSizes.Sum());
        Assert.Equal(Grains * WritesPerGrain, Interlocked.Read(ref countedWrites));
        // Every write's wait is measured: in the queue behind the commit before, and from queued to its caller running again.
        var queued = waits["dialtone.charging.storage.queue_wait"];
        var whole = waits["dialtone.charging.storage.write_duration"];
        Assert.Equal((Grains * WritesPerGrain, Grains * WritesPerGrain), (queued.Count, whole.Count));
        Assert.All(queued.Concat(whole), seconds => Assert.InRange(seconds, 0, stopwatch.Elapsed.TotalSeconds));
        Assert.True(whole.Sum() > queued.Sum(), $"a write's whole wait ({whole.Average() * 1000:F2} ms on average) includes its queueing ({queued.Average() * 1000:F2} ms)");

        var reader = place.Open();
        for (var grain = 0; grain < Grains; grain++)
        {
            var read = Empty<Counter>();
            await reader.ReadStateAsync("counter", Grain($"g{grain}"), read);
            Assert.Equal((WritesPerGrain, WritesPerGrain.ToString(System.Globalization.CultureInfo.InvariantCulture)), (read.State!.Value, read.ETag));
        }
    }

    [Theory, MemberData(nameof(All))]
    public async Task AnAcknowledgedWriteIsInTheDatabaseForTheNextInstance(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var first = place.Open();
        var state = new GrainState<Balance>(new Balance("EUR", 7.5m, 1));
        await first.WriteStateAsync("balance", Grain("durable"), state);

        // Committed, not merely queued: another instance reads it while the first is still running.
        var meanwhile = Empty<Balance>();
        await place.Open().ReadStateAsync("balance", Grain("durable"), meanwhile);
        Assert.Equal((state.State, "1"), (meanwhile.State, meanwhile.ETag));

        await first.DisposeAsync();
        var next = place.Open();
        var read = Empty<Balance>();
        await next.ReadStateAsync("balance", Grain("durable"), read);
        Assert.Equal((new Balance("EUR", 7.5m, 1), "1", true), (read.State, read.ETag, read.RecordExists));

        // The next instance carries on from the stored version.
        read.State = read.State! with { Writes = 2 };
        await next.WriteStateAsync("balance", Grain("durable"), read);
        Assert.Equal("2", read.ETag);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.WriteStateAsync("balance", Grain("durable"), state));
    }

    [Theory, MemberData(nameof(All))]
    public async Task ClearLeavesNoRecordAndOnlyTheClearingETagWritesAgain(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var durableWaits = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Name == "dialtone.charging.storage.write_duration")
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            if (IsFrom(place.Name, tags))
            {
                Interlocked.Increment(ref durableWaits);
            }
        });
        listener.Start();
        var storage = place.Open();
        var grain = Grain("cleared");
        var state = new GrainState<Balance>(new Balance("EUR", 5m, 1));
        await storage.WriteStateAsync("balance", grain, state);

        await storage.ClearStateAsync("balance", grain, state);
        Assert.Equal(("2", false), (state.ETag, state.RecordExists));
        // A clear's durable wait is measured as a write's is.
        Assert.Equal(2, Volatile.Read(ref durableWaits));
        var read = new GrainState<Balance>(new Balance("XXX", 0m, 0));
        await storage.ReadStateAsync("balance", grain, read);
        Assert.Equal(("2", false), (read.ETag, read.RecordExists));

        // Neither the ETag from before the clear nor "no record" matches the cleared state.
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("balance", grain, new GrainState<Balance>(new Balance("EUR", 1m, 9), "1")));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("balance", grain, new GrainState<Balance>(new Balance("EUR", 1m, 9))));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync("balance", grain, new GrainState<Balance>(new Balance("EUR", 1m, 9), "1")));

        state.State = new Balance("EUR", 3m, 2);
        await storage.WriteStateAsync("balance", grain, state);
        Assert.Equal(("3", true), (state.ETag, state.RecordExists));
        await storage.ReadStateAsync("balance", grain, read);
        Assert.Equal((new Balance("EUR", 3m, 2), "3", true), (read.State, read.ETag, read.RecordExists));

        // Clearing what was never written changes nothing; clearing what exists without its ETag conflicts.
        var never = Empty<Balance>();
        await storage.ClearStateAsync("balance", Grain("never"), never);
        Assert.Equal((null, false), (never.ETag, never.RecordExists));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync("balance", grain, Empty<Balance>()));
    }

    [Theory, MemberData(nameof(All))]
    public async Task AFailedCommitFailsEveryWriteOfItsBatchAndTheNextBatchCommits(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        var storage = place.Open(options => options.ConnectionString = database == StorageDatabase.Sqlite
            ? $"Data Source={place.FilePath};Default Timeout=1"
            : $"{place.PostgresConnectionString};Command Timeout=1");
        var grains = Enumerable.Range(0, 3).Select(i => Grain($"blocked-{i}")).ToArray();
        await storage.EnsureInitializedAsync(CancellationToken.None);

        var states = grains.Select(_ => new GrainState<Balance>(new Balance("EUR", 1m, 1))).ToArray();
        Task[] writes;
        await using (var blocker = await LockTheTableAsync(place))
        {
            using (storage.HoldWrites())
            {
                writes = [.. grains.Select((grain, i) => storage.WriteStateAsync("balance", grain, states[i]))];
            }

            foreach (var write in writes)
            {
                var failure = await Assert.ThrowsAsync<OrleansException>(() => write);
                Assert.NotNull(failure.InnerException);
            }
        }

        Assert.All(states, state => Assert.Equal((null, false), (state.ETag, state.RecordExists)));
        var read = Empty<Balance>();
        await storage.ReadStateAsync("balance", grains[0], read);
        Assert.False(read.RecordExists);

        await storage.WriteStateAsync("balance", grains[0], states[0]);
        Assert.Equal("1", states[0].ETag);
    }

    [Fact]
    public async Task RegisteredByNameItStoresInItsOwnSqliteFileUnderTheDataDirectoryInWalModeSyncingEveryCommit()
    {
        await using var place = new StorageUnderTest(StorageDatabase.Sqlite);
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<DialtoneOptions>(options => options.DataDirectory = place.DirectoryPath);
        services.AddBatchingGrainStorage("charging", options => options.MaxBatchSize = 64);
        await using var provider = services.BuildServiceProvider();

        var storage = Assert.IsType<BatchingGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("charging"));
        Assert.Contains(provider.GetServices<ILifecycleParticipant<ISiloLifecycle>>(), participant => ReferenceEquals(participant, storage));
        var state = new GrainState<Balance>(new Balance("EUR", 1m, 1));
        await storage.WriteStateAsync("balance", Grain("registered"), state);

        var file = Path.Combine(place.DirectoryPath, "charging", "grains.db");
        Assert.Equal(file, Assert.IsType<SqliteGrainStateDialect>(storage.Dialect).FilePath);
        Assert.True(File.Exists(file));
        await using var writer = await storage.Dialect.OpenWriterAsync(CancellationToken.None);
        Assert.Equal("wal", await ScalarAsync(writer, "PRAGMA journal_mode"));
        Assert.Equal(2L, await ScalarAsync(writer, "PRAGMA synchronous")); // FULL
    }

    /// <summary>
    /// The writer runs on a thread of its own at the configured nice value (Linux keeps one per thread): a higher value
    /// (lower priority) is always allowed; a lower one only with CAP_SYS_NICE or a permitting RLIMIT_NICE, and without
    /// them the thread keeps its priority and the log says why. Writes are acknowledged either way.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(-5)]
    public async Task TheWriterThreadRunsAtItsNiceValueOrTheLogSaysWhyNot(int nice)
    {
        await using var place = new StorageUnderTest(StorageDatabase.Sqlite);
        using var logs = new CapturedLogs();
        using var loggers = new LoggerFactory([logs]);
        var options = new ChargingStorageOptions();
        place.Configure(options);
        options.WriterNice = nice;
        await using var storage = new BatchingGrainStorage(place.Name, options, loggers.CreateLogger<BatchingGrainStorage>());

        var state = new GrainState<Balance>(new Balance("EUR", 1m, 1));
        await storage.WriteStateAsync("balance", Grain("nice"), state);
        Assert.Equal("1", state.ETag);
        var kept = logs.Lines.Where(line => line.Contains("keeps the normal priority", StringComparison.Ordinal)).ToList();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Contains("Linux only", Assert.Single(kept), StringComparison.Ordinal);
            return;
        }

        var thread = Path.Combine("/proc/self/task", storage.WriterThreadId.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("grain-writer", File.ReadAllText(Path.Combine(thread, "comm")).Trim());
        var applied = NiceOf(thread);
        var process = NiceOf("/proc/self");
        output.WriteLine($"writer nice {applied}, process nice {process}; {string.Join(" / ", kept)}");
        if (nice > 0 || kept.Count == 0)
        {
            Assert.Equal(nice, applied);
            Assert.Empty(kept);
        }
        else
        {
            Assert.Equal(process, applied);
            Assert.Contains("CAP_SYS_NICE", Assert.Single(kept), StringComparison.Ordinal);
        }

        // Field 19 of stat (man 5 proc); the name before it, in parentheses, may hold spaces: count from its end.
        static int NiceOf(string task) =>
            int.Parse(File.ReadAllText(Path.Combine(task, "stat")).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16], CultureInfo.InvariantCulture);
    }

    private static bool IsFrom(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == ChargingStorageMetrics.StorageTag && Equals(tag.Value, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Another connection holds the write lock (SQLite) or an exclusive lock on the table (PostgreSQL) until disposed.</summary>
    private static async Task<IAsyncDisposable> LockTheTableAsync(StorageUnderTest place)
    {
        var connection = await place.OpenRawConnectionAsync();
        var transaction = await connection.BeginTransactionAsync(); // SQLite: BEGIN IMMEDIATE, the one writer
        if (place.Database == StorageDatabase.Postgres)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"LOCK TABLE {place.Schema}.grain_state IN ACCESS EXCLUSIVE MODE";
            await command.ExecuteNonQueryAsync();
        }

        return new HeldLock(transaction, connection);
    }

    private sealed class HeldLock(System.Data.Common.DbTransaction transaction, System.Data.Common.DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
