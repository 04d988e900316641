using System.Data;
using System.Data.Common;

namespace Dialtone.Charging.Storage;

/// <summary>
/// What differs between the databases <see cref="BatchingGrainStorage"/> runs on: how connections are opened and set up,
/// the table's DDL and name, and the SQL for "now". The statements themselves are shared (both databases speak
/// <c>INSERT ... ON CONFLICT DO NOTHING RETURNING</c> and <c>UPDATE ... RETURNING</c>).
/// </summary>
internal abstract partial class GrainStateDialect : IAsyncDisposable
{
    private string? insertSql;
    private string? updateSql;
    private string? clearAbsentSql;
    private string? selectSql;
    private string? selectWithPartSql;
    private string? upsertPartSql;
    private string? deletePartSql;

    /// <summary>Where the state lives, for logs (a file path, or a host, database and schema; never a password).</summary>
    public abstract string Description { get; }

    /// <summary>The table, qualified as the SQL needs it.</summary>
    protected abstract string Table { get; }

    /// <summary>An SQL expression for the time of the write.</summary>
    protected abstract string Now { get; }

    /// <summary>Creates what is missing (directory, schema, table); safe to run concurrently from several nodes.</summary>
    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The connection the writer loop keeps open across batches, set up for durable commits.</summary>
    public abstract Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken);

    /// <summary>A connection for one read (pooled); on SQLite WAL readers do not block the writer.</summary>
    public abstract Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Takes the right to relay the outbox if no other node holds it (null when another does).</summary>
    public abstract Task<IOutboxRelayLease?> TryLeaseOutboxRelayAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether the writer loop should ask for <see cref="CheckpointAsync"/> (SQLite: its commits leave the WAL to a
    /// checkpointer of their own instead of copying it back on the commit that crosses the threshold).
    /// </summary>
    public virtual bool NeedsCheckpoints => false;

    /// <summary>Copies what the log holds back into the database without blocking the writer (SQLite WAL); nothing elsewhere.</summary>
    public virtual Task CheckpointAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Inserted rows start at version 1; every write or clear adds one; a clear keeps the row with a null payload (a
    // tombstone), so an ETag from before the clear can never match a later write again.
    private string InsertSql => insertSql ??=
        $"INSERT INTO {Table} (grain_type, grain_id, state_name, version, payload, updated_at) VALUES (@t, @i, @s, 1, @p, {Now}) " +
        "ON CONFLICT (grain_type, grain_id, state_name) DO NOTHING RETURNING version";

    private string UpdateSql => updateSql ??=
        $"UPDATE {Table} SET version = version + 1, payload = @p, updated_at = {Now} " +
        "WHERE grain_type = @t AND grain_id = @i AND state_name = @s AND version = @v RETURNING version";

    // A clear that expects no record succeeds (changing nothing) only if there is none.
    private string ClearAbsentSql => clearAbsentSql ??=
        $"SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {Table} WHERE grain_type = @t AND grain_id = @i AND state_name = @s)";

    private string SelectSql => selectSql ??=
        $"SELECT version, payload FROM {Table} WHERE grain_type = @t AND grain_id = @i AND state_name = @s";

    private string SelectWithPartSql => selectWithPartSql ??=
        $"SELECT state_name, version, payload FROM {Table} WHERE grain_type = @t AND grain_id = @i AND state_name IN (@s, @c)";

    // A cold part's row has no version check of its own: it is written only with its state's row, whose check passed.
    private string UpsertPartSql => upsertPartSql ??=
        $"INSERT INTO {Table} AS stored (grain_type, grain_id, state_name, version, payload, updated_at) VALUES (@t, @i, @s, 1, @p, {Now}) " +
        "ON CONFLICT (grain_type, grain_id, state_name) DO UPDATE SET version = stored.version + 1, payload = excluded.payload, updated_at = excluded.updated_at";

    private string DeletePartSql => deletePartSql ??=
        $"DELETE FROM {Table} WHERE grain_type = @t AND grain_id = @i AND state_name = @s";

    /// <summary>A state's row and its cold part's row (<see cref="IHasColdPart"/>), with one statement: one snapshot of both.</summary>
    public async Task<(StoredGrainState? State, StoredGrainState? Part)> ReadWithPartAsync(DbConnection connection, GrainStateKey key, GrainStateKey part, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = SelectWithPartSql;
        AddKey(command.Parameters, command, key);
        Add(command.Parameters, command.CreateParameter, "@c", DbType.String, part.StateName);
        StoredGrainState? state = null;
        StoredGrainState? partRow = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new StoredGrainState(reader.GetInt64(1), await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetFieldValue<byte[]>(2));
            if (reader.GetString(0) == key.StateName)
            {
                state = row;
            }
            else
            {
                partRow = row;
            }
        }

        return (state, partRow);
    }

    /// <summary>Writes (or, with no payload, deletes) the cold parts of applied writes inside <paramref name="transaction"/>.</summary>
    public Task ApplyColdPartsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ColdPartRow> parts, CancellationToken cancellationToken) =>
        ExecuteEachAsync(connection, transaction, parts, PartSql, BindPartParameters, cancellationToken);

    /// <summary>
    /// Runs one statement per row inside <paramref name="transaction"/>, returning nothing: in one <see cref="DbBatch"/> where
    /// the provider has batches (PostgreSQL: one round trip), otherwise one command per statement text, prepared once and
    /// bound again for each row (SQLite: in-process, no round trips).
    /// </summary>
    private static async Task ExecuteEachAsync<TRow>(DbConnection connection, DbTransaction transaction, IReadOnlyList<TRow> rows, Func<TRow, string> sqlOf,
        Action<DbParameterCollection, Func<DbParameter>, TRow> bind, CancellationToken cancellationToken)
    {
        if (connection.CanCreateBatch)
        {
            await using var dbBatch = connection.CreateBatch();
            dbBatch.Transaction = transaction;
            foreach (var row in rows)
            {
                var command = dbBatch.CreateBatchCommand();
                command.CommandText = sqlOf(row);
                bind(command.Parameters, command.CreateParameter, row);
                dbBatch.BatchCommands.Add(command);
            }

            await dbBatch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        var commands = new Dictionary<string, DbCommand>(2, StringComparer.Ordinal);
        try
        {
            foreach (var row in rows)
            {
                var command = PreparedFor(commands, connection, transaction, sqlOf(row));
                bind(command.Parameters, command.CreateParameter, row);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await DisposeAllAsync(commands);
        }
    }

    /// <summary>The command of <paramref name="commands"/> for <paramref name="sql"/> (made on first use), its parameters cleared for the next row.</summary>
    private static DbCommand PreparedFor(Dictionary<string, DbCommand> commands, DbConnection connection, DbTransaction transaction, string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    private static async Task DisposeAllAsync(Dictionary<string, DbCommand> commands)
    {
        foreach (var command in commands.Values)
        {
            await command.DisposeAsync();
        }
    }

    private string PartSql(ColdPartRow part) => part.Payload is null ? DeletePartSql : UpsertPartSql;

    private static void BindPartParameters(DbParameterCollection parameters, Func<DbParameter> create, ColdPartRow part)
    {
        Add(parameters, create, "@t", DbType.String, part.Key.GrainType);
        Add(parameters, create, "@i", DbType.String, part.Key.GrainId);
        Add(parameters, create, "@s", DbType.String, part.Key.StateName);
        if (part.Payload is not null)
        {
            Add(parameters, create, "@p", DbType.Binary, part.Payload);
        }
    }

    public async Task<StoredGrainState?> ReadAsync(DbConnection connection, DbTransaction? transaction, GrainStateKey key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SelectSql;
        AddKey(command.Parameters, command, key);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var payload = await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetFieldValue<byte[]>(1);
        return new StoredGrainState(reader.GetInt64(0), payload);
    }

    /// <summary>
    /// Runs every pending write of the batch, in order, inside <paramref name="transaction"/>; each is version-checked on
    /// its own and only the matching ones change a row, so a conflict never fails the others. Sets
    /// <see cref="PendingWrite.Applied"/> and <see cref="PendingWrite.NewVersion"/>; commits nothing.
    /// </summary>
    public Task ApplyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken) =>
        connection.CanCreateBatch
            ? ApplyAsOneRoundTripAsync(connection, transaction, batch, cancellationToken)
            : ApplyOneByOneAsync(connection, transaction, batch, cancellationToken);

    // PostgreSQL: the whole batch goes to the server in one round trip; each statement returns its row (or none).
    private async Task ApplyAsOneRoundTripAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        await using var dbBatch = connection.CreateBatch();
        dbBatch.Transaction = transaction;
        foreach (var write in batch)
        {
            var command = dbBatch.CreateBatchCommand();
            command.CommandText = StatementFor(write);
            BindParameters(command.Parameters, command.CreateParameter, write);
            dbBatch.BatchCommands.Add(command);
        }

        await using var reader = await dbBatch.ExecuteReaderAsync(cancellationToken);
        for (var index = 0; index < batch.Count; index++)
        {
            if (index > 0 && !await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException($"The batch returned {index} results for {batch.Count} statements.");
            }

            SetOutcome(batch[index], await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null);
        }
    }

    // SQLite (in-process, no round trips): one prepared command per statement kind, re-bound for each write.
    private async Task ApplyOneByOneAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        var commands = new Dictionary<string, DbCommand>(3, StringComparer.Ordinal);
        try
        {
            foreach (var write in batch)
            {
                var command = PreparedFor(commands, connection, transaction, StatementFor(write));
                BindParameters(command.Parameters, command.CreateParameter, write);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                SetOutcome(write, await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null);
            }
        }
        finally
        {
            await DisposeAllAsync(commands);
        }
    }

    private string StatementFor(PendingWrite write) => write.ExpectedVersion is null
        ? write.IsClear ? ClearAbsentSql : InsertSql
        : UpdateSql;

    private static void SetOutcome(PendingWrite write, long? returned)
    {
        write.Applied = returned is not null;
        // A clear of a state that never existed leaves no row, and so no version: the ETag stays null.
        write.NewVersion = write.ExpectedVersion is null && write.IsClear ? null : returned;
    }

    private static void BindParameters(DbParameterCollection parameters, Func<DbParameter> create, PendingWrite write)
    {
        Add(parameters, create, "@t", DbType.String, write.Key.GrainType);
        Add(parameters, create, "@i", DbType.String, write.Key.GrainId);
        Add(parameters, create, "@s", DbType.String, write.Key.StateName);
        if (write.ExpectedVersion is { } expected)
        {
            Add(parameters, create, "@v", DbType.Int64, expected);
            Add(parameters, create, "@p", DbType.Binary, write.Payload);
        }
        else if (!write.IsClear)
        {
            Add(parameters, create, "@p", DbType.Binary, write.Payload);
        }
    }

    private static void AddKey(DbParameterCollection parameters, DbCommand command, GrainStateKey key)
    {
        Add(parameters, command.CreateParameter, "@t", DbType.String, key.GrainType);
        Add(parameters, command.CreateParameter, "@i", DbType.String, key.GrainId);
        Add(parameters, command.CreateParameter, "@s", DbType.String, key.StateName);
    }

    private static void Add(DbParameterCollection parameters, Func<DbParameter> create, string name, DbType type, object? value)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        parameters.Add(parameter);
    }
}
