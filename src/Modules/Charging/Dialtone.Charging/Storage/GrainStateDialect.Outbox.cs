using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Dialtone.Charging.Storage;

/// <summary>
/// The grain outbox's SQL: <c>grain_outbox</c> beside <c>grain_state</c>, filled inside the writer's transaction and
/// read by the relay on connections of its own and emptied by the writer once relayed. Both databases speak
/// <c>ON CONFLICT DO NOTHING</c>.
/// </summary>
internal abstract partial class GrainStateDialect
{
    /// <summary>The outbox table, qualified as the SQL needs it.</summary>
    protected abstract string OutboxTable { get; }

    private string OutboxInsertSql =>
        $"INSERT INTO {OutboxTable} (kind, id, payload, created_at) VALUES (@k, @i, @p, @c) ON CONFLICT (kind, id) DO NOTHING";

    /// <summary>Inserts the entries inside <paramref name="transaction"/>; an entry whose kind and id are stored already is ignored.</summary>
    public Task InsertOutboxAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken) =>
        ExecuteEachAsync(connection, transaction, entries, _ => OutboxInsertSql, BindEntry, cancellationToken);

    /// <summary>The oldest entries (in insertion order), up to <paramref name="limit"/>, leaving out the kinds in <paramref name="skipKinds"/>.</summary>
    public async Task<IReadOnlyList<StoredOutboxEntry>> ReadOutboxAsync(int limit, IReadOnlyCollection<string> skipKinds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT seq, kind, id, payload, created_at, attempts FROM {OutboxTable}");
        var index = 0;
        foreach (var kind in skipKinds)
        {
            sql.Append(index == 0 ? " WHERE kind NOT IN (" : ", ").Append("@k").Append(index);
            AddParameter(command.Parameters, command.CreateParameter, "@k" + index.ToString(CultureInfo.InvariantCulture), DbType.String, kind);
            index++;
        }

        sql.Append(index > 0 ? ")" : "").Append(" ORDER BY seq LIMIT @limit");
        AddParameter(command.Parameters, command.CreateParameter, "@limit", DbType.Int32, limit);
        command.CommandText = sql.ToString();
        var entries = new List<StoredOutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new StoredOutboxEntry(
                reader.GetInt64(0),
                new GrainOutboxEntry(reader.GetString(2), reader.GetString(1), reader.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))),
                reader.GetInt32(5)));
        }

        return entries;
    }

    /// <summary>
    /// Removes relayed entries inside the writer's <paramref name="transaction"/> (<see cref="BatchingGrainStorage.RemoveRelayedAsync"/>:
    /// on SQLite the writer loop is the file's only regular writer).
    /// </summary>
    public async Task DeleteOutboxAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM {OutboxTable} WHERE seq IN {SequenceList(sequences)}";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Counts a failed attempt on each entry.</summary>
    public Task CountOutboxFailureAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken) =>
        ExecuteOnSequencesAsync($"UPDATE {OutboxTable} SET attempts = attempts + 1 WHERE seq IN ", sequences, cancellationToken);

    /// <summary>How many entries wait, when the oldest was made (null when none), and how many dead letters wait: one query a relay pass.</summary>
    public async Task<(long Count, DateTimeOffset? Oldest, long DeadLetters)> OutboxDepthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT (SELECT count(*) FROM {OutboxTable}), (SELECT min(created_at) FROM {OutboxTable}), (SELECT count(*) FROM {DeadLetterTable})";
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = reader.GetInt64(0);
        var oldest = await reader.IsDBNullAsync(1, cancellationToken) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
        return (count, oldest, reader.GetInt64(2));
    }

    private async Task ExecuteOnSequencesAsync(string statement, IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0)
        {
            return;
        }

        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = statement + SequenceList(sequences);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// <c>(1, 2, 3)</c>: sequence numbers (integers the store made, never input) written into the statement. As parameters
    /// they cost the writer loop a linear scan per name on SQLite (it binds by name): a pass's 500 removals were ~125,000
    /// string comparisons inside the commit every caller waits for (bench/README, 2026-11-29 session 18).
    /// </summary>
    internal static string SequenceList(IEnumerable<long> sequences) =>
        "(" + string.Join(", ", sequences.Select(sequence => sequence.ToString(CultureInfo.InvariantCulture))) + ")";

    private static void BindEntry(DbParameterCollection parameters, Func<DbParameter> create, GrainOutboxEntry entry)
    {
        AddParameter(parameters, create, "@k", DbType.String, entry.Kind);
        AddParameter(parameters, create, "@i", DbType.String, entry.Id);
        AddParameter(parameters, create, "@p", DbType.String, entry.Payload);
        AddParameter(parameters, create, "@c", DbType.Int64, entry.CreatedAt.ToUnixTimeMilliseconds());
    }

    private static void AddParameter(DbParameterCollection parameters, Func<DbParameter> create, string name, DbType type, object value)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value;
        parameters.Add(parameter);
    }
}
