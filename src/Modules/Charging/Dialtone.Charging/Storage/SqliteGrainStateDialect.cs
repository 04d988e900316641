using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Dialtone.Charging.Storage;

/// <summary>
/// Grain state in its own SQLite file (never the shared <c>dialtone.db</c>: SQLite has one writer, and a transaction of
/// the outbox waiting on a grain that writes the same file would deadlock). WAL, so reads never block the writer; the
/// writer connection syncs every commit as <see cref="ChargingStorageOptions.Synchronous"/> says.
/// </summary>
/// <remarks>
/// No connection checkpoints on commit (<c>wal_autocheckpoint = 0</c>): SQLite's default has the commit that takes the
/// log past 1,000 pages copy it back and sync the database before it returns, so every few hundred writes one batch of
/// callers waited for a checkpoint. <see cref="CheckpointAsync"/> does it on a connection of its own, beside the writer
/// (<c>PASSIVE</c>). The writer loop is the file's one regular writer (the relay's removals go through it); a writer
/// that meets another's lock (the relay counting a failure or moving a dead letter on its own connection, rare) waits in
/// SQLite's busy handler (<c>busy_timeout</c>, sleeps of 1–100 ms) rather than in Microsoft.Data.Sqlite's retry loop.
/// </remarks>
internal sealed class SqliteGrainStateDialect : GrainStateDialect
{
    private readonly string connectionString;
    private readonly string synchronous;

    // How long a writer waits for another's lock before the statement fails (the relay's failure counts and dead letters take it briefly).
    private const int BusyTimeoutMs = 10_000;

    public SqliteGrainStateDialect(string connectionString, SqliteSynchronousMode synchronous)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("The charging grain storage needs a SQLite file (an in-memory database is not durable).", nameof(connectionString));
        }

        builder.DataSource = Path.GetFullPath(builder.DataSource);
        builder.Pooling = true;
        this.connectionString = builder.ToString();
        FilePath = builder.DataSource;
        this.synchronous = synchronous switch
        {
            SqliteSynchronousMode.Normal => "NORMAL",
            SqliteSynchronousMode.Full => "FULL",
            SqliteSynchronousMode.Extra => "EXTRA",
            _ => throw new ArgumentOutOfRangeException(nameof(synchronous), synchronous, "Unknown synchronous mode."),
        };
    }

    public string FilePath { get; }

    public override string Description => $"SQLite {FilePath} (synchronous={synchronous})";

    protected override string Table => "grain_state";

    protected override string OutboxTable => "grain_outbox";

    protected override string DeadLetterTable => "grain_outbox_dead";

    protected override string Now => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (Path.GetDirectoryName(FilePath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenWriterAsync(cancellationToken);
        await MoveStatesToARowidTableAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE IF NOT EXISTS grain_state ({StateColumns});
            CREATE TABLE IF NOT EXISTS grain_outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                UNIQUE (kind, id)
            );
            CREATE TABLE IF NOT EXISTS grain_outbox_dead (
                seq INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                failed_at INTEGER NOT NULL,
                error TEXT NOT NULL
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // A rowid table: a row of up to ~4,000 bytes stays on its leaf page, where a WITHOUT ROWID table (the layout until
    // 2026-11-29) keeps ~1,000 and spills the rest into an overflow page: an account's row (~2-3 KB) is one page a write
    // instead of two and the freelist's (bench/README, 2026-11-29 session 14; bench/grain-state-model.py).
    private const string StateColumns = """
        grain_type TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            state_name TEXT NOT NULL,
            version INTEGER NOT NULL,
            payload BLOB NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (grain_type, grain_id, state_name)
        """;

    /// <summary>A file made before 2026-11-29 holds its states in a WITHOUT ROWID table: copied into a rowid table, in one transaction, before the first write.</summary>
    private static async Task MoveStatesToARowidTableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'grain_state'";
        if (await probe.ExecuteScalarAsync(cancellationToken) is not string definition || !definition.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var move = connection.CreateCommand();
        move.Transaction = transaction;
        move.CommandText = $"""
            CREATE TABLE grain_state_rowid ({StateColumns});
            INSERT INTO grain_state_rowid (grain_type, grain_id, state_name, version, payload, updated_at)
                SELECT grain_type, grain_id, state_name, version, payload, updated_at FROM grain_state;
            DROP TABLE grain_state;
            ALTER TABLE grain_state_rowid RENAME TO grain_state;
            """;
        await move.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public override async Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // journal_mode is kept in the file; synchronous is per connection, so it is set on every writer connection.
            command.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA wal_autocheckpoint = 0;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // The file is this process's alone: nobody else relays it.
    public override Task<IOutboxRelayLease?> TryLeaseOutboxRelayAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IOutboxRelayLease?>(SoleRelayLease.Instance);

    public override bool NeedsCheckpoints => true;

    public override async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = {synchronous}; PRAGMA wal_checkpoint(PASSIVE);";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; let it go (a test deletes it, a restart reopens it).
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
