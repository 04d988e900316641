using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Dialtone.Platform;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Dialtone.Charging.Storage;

/// <summary>
/// Orleans grain storage that commits many grains' writes in one transaction (group commit), on SQLite (its own file) or
/// PostgreSQL (<c>{schema}.grain_state</c>). One row per grain state (and one for its cold part, <see cref="IHasColdPart"/>,
/// written with it when it changed); the ETag is the state's row's version.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="WriteStateAsync{T}(string, GrainId, IGrainState{T}, CancellationToken)"/> and
/// <see cref="ClearStateAsync{T}(string, GrainId, IGrainState{T}, CancellationToken)"/> serialise the state at once (later
/// changes to the grain's object do not reach the pending write) and queue it; one writer loop takes whatever has
/// accumulated while its previous commit ran, up to <see cref="ChargingStorageOptions.MaxBatchSize"/>, applies each
/// write version-checked inside one transaction, commits, and only then completes each caller: with its new ETag, or an
/// <see cref="InconsistentStateException"/> for that caller alone when its ETag no longer matched. If the transaction
/// fails, every caller of that batch gets an <see cref="OrleansException"/> and nothing of it is acknowledged.
/// </para>
/// <para>
/// A clear keeps the row with no payload and a new version (a tombstone), so an ETag from before the clear never matches
/// again. Reads go straight to the database on their own connection.
/// </para>
/// <para>
/// Cancellation is honoured before a write is queued; once queued it is committed (or failed) with its batch.
/// </para>
/// </remarks>
internal sealed partial class BatchingGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable, IDisposable
{
    private readonly string name;
    private readonly GrainStateDialect dialect;
    private readonly IGrainStorageSerializer serializer;
    private readonly IActivatorProvider? activators;
    private readonly int maxBatchSize;
    private readonly int writerNice;
    private int writerThreadId;
    private readonly ILogger logger;
    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly ConcurrentQueue<OutboxRemoval> removals = new();
    private readonly SemaphoreSlim initializing = new(1, 1);
    private readonly KeyValuePair<string, object?> storageTag;
    private readonly Task writer;
    private readonly SemaphoreSlim checkpointDue = new(0, 1);
    private readonly Task checkpointer;
    private long uncheckpointedBytes;
    private volatile bool writerDone;
    private volatile bool initialized;
    private volatile TaskCompletionSource? held;
    private DbConnection? writerConnection;
    private int disposed;
    private long batches;
    private long committedWrites;
    private int largestBatch;

    // Queued after a removal so that an idle writer loop wakes for it; never written to the database.
    private static readonly PendingWrite WakeUp = new(new GrainStateKey("", "", ""), null, null);

    /// <param name="name">The provider's name (grains ask for it in <c>[PersistentState(..., name)]</c>); tags the metrics.</param>
    /// <param name="options">Where and how to store.</param>
    /// <param name="logger">Where initialisation and failed commits are logged.</param>
    /// <param name="dataDirectory">The default SQLite file is <c>{dataDirectory}/charging/grains.db</c>.</param>
    /// <param name="activators">Creates the empty state when nothing is stored (Orleans' activators); without it the grain's object is left as it is.</param>
    public BatchingGrainStorage(string name, ChargingStorageOptions options, ILogger<BatchingGrainStorage> logger, string? dataDirectory = null, IActivatorProvider? activators = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        this.name = name;
        this.logger = logger;
        this.activators = activators;
        serializer = options.GrainStorageSerializer ?? JsonGrainStateSerializer.Default;
        maxBatchSize = options.MaxBatchSize;
        dialect = CreateDialect(options, dataDirectory ?? new DialtoneOptions().DataDirectory);
        storageTag = new(ChargingStorageMetrics.StorageTag, name);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WriterNice, -20, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.WriterNice, 19, nameof(options));
        writerNice = options.WriterNice;
        // The writer has a thread of its own: on SQLite every statement and fsync blocks the calling thread, and on two
        // cores a pool thread held by commits most of each second left the grains and HTTP/2 one thread (bench/README).
        writer = StorageThreads.Start("grain-writer", WriteLoop);
        checkpointer = dialect.NeedsCheckpoints ? StorageThreads.Start("grain-checkpt", CheckpointLoop) : Task.CompletedTask;
    }

    /// <summary>SQLite: the log written since the last checkpoint that makes the next one due (SQLite's own default is 1,000 pages of 4 KB).</summary>
    internal const long CheckpointBytes = 4 * 1024 * 1024;

    /// <summary>Where the state lives (for logs and tests).</summary>
    internal string Description => dialect.Description;

    /// <summary>For tests: the database specifics in use.</summary>
    internal GrainStateDialect Dialect => dialect;

    /// <summary>Notified after each commit that stored outbox entries (the relay's wake-up).</summary>
    internal GrainOutboxSignal OutboxWritten { get; } = new();

    /// <summary>Transactions committed so far.</summary>
    internal long Batches => Interlocked.Read(ref batches);

    /// <summary>Writes and clears committed so far (conflicts not counted).</summary>
    internal long CommittedWrites => Interlocked.Read(ref committedWrites);

    /// <summary>The most writes one transaction has committed.</summary>
    internal int LargestBatch => Volatile.Read(ref largestBatch);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var key = GrainStateKey.Of(stateName, grainId);
        await EnsureInitializedAsync(cancellationToken);
        StoredGrainState? stored;
        StoredGrainState? part = null;
        var hasColdPart = typeof(IHasColdPart).IsAssignableFrom(typeof(T));
        await using (var connection = await dialect.OpenReaderAsync(cancellationToken))
        {
            if (hasColdPart)
            {
                (stored, part) = await dialect.ReadWithPartAsync(connection, key, ColdPartRow.KeyOf(key), cancellationToken);
            }
            else
            {
                stored = await dialect.ReadAsync(connection, null, key, cancellationToken);
            }
        }

        if (stored is { Payload: { } payload } row)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(payload)) ?? CreateEmpty(grainState.State);
            grainState.ETag = FormatETag(row.Version);
            grainState.RecordExists = true;
        }
        else
        {
            // Never written, or cleared (a tombstone keeps its version so the next write must name it).
            grainState.State = CreateEmpty(grainState.State);
            grainState.ETag = stored is { } tombstone ? FormatETag(tombstone.Version) : null;
            grainState.RecordExists = false;
        }

        if (hasColdPart && grainState.State is IHasColdPart loaded)
        {
            loaded.LoadColdPart(stored is { Payload: not null } && part is { Payload: { } partPayload } ? new BinaryData(partPayload) : null, serializer);
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        cancellationToken.ThrowIfCancellationRequested();
        var key = GrainStateKey.Of(stateName, grainId);
        var expected = ParseETag(grainState.ETag, key);
        // Outgoing messages leave the state before it is serialised: they are stored in the outbox table, in the same transaction.
        var outbox = TakeOutbox(grainState.State);
        var cold = grainState.State as IHasColdPart;
        var part = cold?.ChangedColdPart(serializer);
        var write = new PendingWrite(key, expected, ToArray(serializer.Serialize(grainState.State)), outbox)
        {
            ColdPart = part is null ? null : new ColdPartRow(ColdPartRow.KeyOf(key), part.Payload),
        };
        Enqueue(write);
        var version = await write.Completion;
        ChargingStorageMetrics.WriteDuration.Record(Stopwatch.GetElapsedTime(write.QueuedAt).TotalSeconds, storageTag);
        if (part is not null)
        {
            cold!.ColdPartStored(part);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        cancellationToken.ThrowIfCancellationRequested();
        var key = GrainStateKey.Of(stateName, grainId);
        var write = new PendingWrite(key, ParseETag(grainState.ETag, key), payload: null)
        {
            ColdPart = grainState.State is IHasColdPart ? new ColdPartRow(ColdPartRow.KeyOf(key), null) : null,
        };
        Enqueue(write);
        var version = await write.Completion;
        ChargingStorageMetrics.WriteDuration.Record(Stopwatch.GetElapsedTime(write.QueuedAt).TotalSeconds, storageTag);
        grainState.ETag = FormatETag(version);
        grainState.RecordExists = false;
    }

    /// <summary>
    /// Removes outbox entries the relay handed over inside the writer loop's next transaction (with the grain writes
    /// queued meanwhile), and completes once it has committed. On SQLite a removal on a connection of its own was a
    /// second writer: its transaction and sync held the lock while a batch of callers waited in SQLite's busy handler,
    /// whose sleeps grow from 1 to 100 ms (bench/README, 2026-11-29).
    /// </summary>
    internal Task RemoveRelayedAsync(IReadOnlyList<long> sequences)
    {
        if (sequences.Count == 0)
        {
            return Task.CompletedTask;
        }

        var removal = new OutboxRemoval(sequences);
        removals.Enqueue(removal);
        Enqueue(WakeUp);
        return removal.Completion;
    }

    /// <summary>Creates the table when the silo starts (so a bad connection string stops the start); drains the queue when it stops.</summary>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(
            $"{nameof(BatchingGrainStorage)}-{name}",
            ServiceLifecycleStage.ApplicationServices,
            EnsureInitializedAsync,
            _ => StopAsync());
    }

    /// <summary>Creates the directory, schema and table if missing; runs once (again after a failure).</summary>
    internal async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (initialized)
        {
            return;
        }

        await initializing.WaitAsync(cancellationToken);
        try
        {
            if (!initialized)
            {
                await dialect.InitializeAsync(cancellationToken);
                initialized = true;
                LogInitialized(logger, name, dialect.Description, maxBatchSize);
            }
        }
        finally
        {
            initializing.Release();
        }
    }

    /// <summary>Takes no more writes, and returns once every queued one is committed (or failed).</summary>
    internal async Task StopAsync()
    {
        queue.Writer.TryComplete();
        await writer;
        await checkpointer;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await StopAsync();
        if (writerConnection is not null)
        {
            await writerConnection.DisposeAsync();
            writerConnection = null;
        }

        await dialect.DisposeAsync();
        initializing.Dispose();
        checkpointDue.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// For tests: until the returned handle is disposed the writer starts no new batch, so that writes queued meanwhile
    /// are committed together (up to <see cref="ChargingStorageOptions.MaxBatchSize"/>). Take it before queueing.
    /// </summary>
    internal IDisposable HoldWrites()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held = hold;
        return new Release(() =>
        {
            held = null;
            hold.TrySetResult();
        });
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    private void Enqueue(PendingWrite write)
    {
        if (!queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(BatchingGrainStorage), $"The grain storage '{name}' has stopped and takes no more writes.");
        }
    }

    /// <summary>The writer thread's id in the operating system (Linux; 0 before the thread started or elsewhere).</summary>
    internal int WriterThreadId => Volatile.Read(ref writerThreadId);

    private void WriteLoop()
    {
        Volatile.Write(ref writerThreadId, StorageThreads.CurrentThreadId() ?? 0);
        if (writerNice != 0 && StorageThreads.TrySetNice(writerNice) is { } reason)
        {
            LogWriterPriorityKept(logger, name, writerNice, reason);
        }

        var reader = queue.Reader;
        var batch = new List<PendingWrite>(maxBatchSize);
        var removing = new List<OutboxRemoval>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            if (held is { } hold)
            {
                hold.Task.GetAwaiter().GetResult();
            }

            while (batch.Count < maxBatchSize && reader.TryRead(out var write))
            {
                if (!ReferenceEquals(write, WakeUp))
                {
                    batch.Add(write);
                }
            }

            while (removals.TryDequeue(out var removal))
            {
                removing.Add(removal);
            }

            var taken = Stopwatch.GetTimestamp();
            foreach (var write in batch)
            {
                ChargingStorageMetrics.QueueWait.Record(Stopwatch.GetElapsedTime(write.QueuedAt, taken).TotalSeconds, storageTag);
            }

            if (batch.Count > 0 || removing.Count > 0)
            {
                CommitAsync(batch, removing).GetAwaiter().GetResult();
            }

            batch.Clear();
            removing.Clear();
        }

        // Removals queued as the loop stopped: their entries stay and are relayed again after the restart (at least once).
        while (removals.TryDequeue(out var left))
        {
            left.Fail(new ObjectDisposedException(nameof(BatchingGrainStorage), $"The grain storage '{name}' has stopped."));
        }

        // The checkpointer ends once the last commit is in (its final pass copies what is left).
        writerDone = true;
        SignalCheckpoint();
    }

    private void SignalCheckpoint()
    {
        try
        {
            checkpointDue.Release();
        }
        catch (SemaphoreFullException)
        {
            // One is due already.
        }
    }

    private void CheckpointLoop()
    {
        while (true)
        {
            checkpointDue.Wait();
            var last = writerDone;
            Interlocked.Exchange(ref uncheckpointedBytes, 0);
            var started = Stopwatch.GetTimestamp();
            try
            {
                dialect.CheckpointAsync(CancellationToken.None).GetAwaiter().GetResult();
                ChargingStorageMetrics.CheckpointDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, storageTag);
            }
            catch (Exception exception)
            {
                // The log only grows until the next one succeeds; commits go on.
                LogCheckpointFailed(logger, exception, name);
            }

            if (last)
            {
                return;
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch, List<OutboxRemoval> removing)
    {
        var started = Stopwatch.GetTimestamp();
        List<(PendingWrite Write, long? Stored)> conflicts;
        try
        {
            conflicts = await ApplyAndCommitAsync(batch, removing);
        }
        catch (Exception exception)
        {
            LogCommitFailed(logger, exception, name, batch.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await DropWriterConnectionAsync();
            foreach (var write in batch)
            {
                write.Fail(new OrleansException(
                    $"Grain storage '{name}' could not commit the batch of {batch.Count} writes that held {write.Key}; this write is not acknowledged.",
                    exception));
            }

            foreach (var removal in removing)
            {
                removal.Fail(new OrleansException($"Grain storage '{name}' could not commit the removal of relayed outbox entries.", exception));
            }

            return;
        }

        foreach (var removal in removing)
        {
            removal.Succeed();
        }

        if (batch.Count == 0)
        {
            return;
        }

        var committed = batch.Count - conflicts.Count;
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref committedWrites, committed);
        if (batch.Count > largestBatch)
        {
            Volatile.Write(ref largestBatch, batch.Count);
        }

        ChargingStorageMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, storageTag);
        if (dialect.NeedsCheckpoints)
        {
            long written = 0;
            foreach (var write in batch)
            {
                written += (write.Payload?.Length ?? 0) + (write.ColdPart?.Payload?.Length ?? 0);
            }

            if (Interlocked.Add(ref uncheckpointedBytes, written) >= CheckpointBytes)
            {
                SignalCheckpoint();
            }
        }

        ChargingStorageMetrics.BatchSize.Record(batch.Count, storageTag);
        ChargingStorageMetrics.Writes.Add(committed, storageTag);
        foreach (var (write, stored) in conflicts)
        {
            write.Fail(new InconsistentStateException(
                $"Version conflict in grain storage '{name}' {(write.IsClear ? "clearing" : "writing")} {write.Key}: " +
                $"expected ETag {FormatETag(write.ExpectedVersion) ?? "(none)"}, stored {FormatETag(stored) ?? "(none)"}.",
                FormatETag(stored), FormatETag(write.ExpectedVersion)));
        }

        foreach (var write in batch)
        {
            if (write.Applied)
            {
                write.Succeed();
            }
        }

        if (batch.Exists(write => write.Applied && write.Outbox.Count > 0))
        {
            OutboxWritten.Notify();
        }
    }

    /// <summary>One transaction: every write version-checked on its own, the stored version read back for each conflict.</summary>
    private async Task<List<(PendingWrite Write, long? Stored)>> ApplyAndCommitAsync(List<PendingWrite> batch, List<OutboxRemoval> removing)
    {
        await EnsureInitializedAsync(CancellationToken.None);
        writerConnection ??= await dialect.OpenWriterAsync(CancellationToken.None);
        // The same order on every node, so that two nodes' batches touching the same rows cannot deadlock on PostgreSQL;
        // a stable sort, so that writes to one state keep their order.
        List<PendingWrite> ordered = batch.Count <= 1
            ? batch
            : [.. batch.OrderBy(write => write.Key.GrainType, StringComparer.Ordinal)
                .ThenBy(write => write.Key.GrainId, StringComparer.Ordinal)
                .ThenBy(write => write.Key.StateName, StringComparer.Ordinal)];
        var conflicts = new List<(PendingWrite Write, long? Stored)>();
        await using var transaction = await writerConnection.BeginTransactionAsync(CancellationToken.None);
        if (ordered.Count > 0)
        {
            await dialect.ApplyAsync(writerConnection, transaction, ordered, CancellationToken.None);
            // The cold parts of the writes that passed their version check, in the same transaction.
            List<ColdPartRow> parts = [.. ordered.Where(write => write.Applied && write.ColdPart is not null).Select(write => write.ColdPart!.Value)];
            if (parts.Count > 0)
            {
                await dialect.ApplyColdPartsAsync(writerConnection, transaction, parts, CancellationToken.None);
            }
        }

        foreach (var removal in removing)
        {
            await dialect.DeleteOutboxAsync(writerConnection, transaction, removal.Sequences, CancellationToken.None);
        }
        // A write that lost its version check brings no message: its caller fails and the grain reloads its state.
        List<GrainOutboxEntry> outbox = [.. ordered.Where(write => write.Applied).SelectMany(write => write.Outbox)];
        if (outbox.Count > 0)
        {
            await dialect.InsertOutboxAsync(writerConnection, transaction, outbox, CancellationToken.None);
        }

        foreach (var write in ordered)
        {
            if (!write.Applied)
            {
                var stored = await dialect.ReadAsync(writerConnection, transaction, write.Key, CancellationToken.None);
                conflicts.Add((write, stored?.Version));
            }
        }

        await transaction.CommitAsync(CancellationToken.None);
        return conflicts;
    }

    /// <summary>After a failed batch the connection may be mid-transaction or broken: the next batch opens a new one.</summary>
    private async Task DropWriterConnectionAsync()
    {
        if (writerConnection is null)
        {
            return;
        }

        try
        {
            await writerConnection.DisposeAsync();
        }
        catch (Exception exception)
        {
            LogConnectionDisposeFailed(logger, exception, name);
        }

        writerConnection = null;
    }

    private static List<GrainOutboxEntry>? TakeOutbox<T>(T state)
    {
        if (state is not IHasGrainOutbox { Outbox.Count: > 0 } carrier)
        {
            return null;
        }

        List<GrainOutboxEntry> taken = [.. carrier.Outbox];
        carrier.Outbox.Clear();
        return taken;
    }

    private T CreateEmpty<T>(T current) => activators is null ? current : activators.GetActivator<T>().Create();

    private static long? ParseETag(string? etag, GrainStateKey key)
    {
        if (etag is null)
        {
            return null;
        }

        return long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InconsistentStateException($"The ETag '{etag}' of {key} was not issued by this storage.", null, etag);
    }

    private static string? FormatETag(long? version) => version?.ToString(CultureInfo.InvariantCulture);

    private static byte[] ToArray(BinaryData data) =>
        MemoryMarshal.TryGetArray(data.ToMemory(), out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();

    private static GrainStateDialect CreateDialect(ChargingStorageOptions options, string dataDirectory) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteGrainStateDialect(
            !string.IsNullOrWhiteSpace(options.ConnectionString)
                ? options.ConnectionString
                : new SqliteConnectionStringBuilder
                {
                    DataSource = options.FilePath ?? Path.Combine(Path.GetFullPath(dataDirectory), ChargingStorageOptions.DefaultRelativeFilePath),
                }.ToString(),
            options.Synchronous),
        DatabaseProvider.Postgres => new PostgresGrainStateDialect(
            string.IsNullOrWhiteSpace(options.ConnectionString)
                ? throw new InvalidOperationException("The charging grain storage on PostgreSQL needs ChargingStorageOptions.ConnectionString.")
                : options.ConnectionString,
            options.Schema),
        _ => throw new InvalidOperationException($"Unknown database provider {options.Provider}."),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage {Name} ready on {Description}, batches of up to {MaxBatchSize} writes")]
    private static partial void LogInitialized(ILogger logger, string name, string description, int maxBatchSize);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain storage {Name} failed to commit a batch of {Count} writes after {ElapsedMs} ms; all of them fail")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string name, int count, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage {Name}'s writer thread keeps the normal priority, not nice {Nice}: {Reason}")]
    private static partial void LogWriterPriorityKept(ILogger logger, string name, int nice, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Name} could not checkpoint its log; the next checkpoint tries again")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Name} could not close its writer connection after a failed batch")]
    private static partial void LogConnectionDisposeFailed(ILogger logger, Exception exception, string name);
}
