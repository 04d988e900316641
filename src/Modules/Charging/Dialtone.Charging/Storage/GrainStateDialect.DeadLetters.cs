using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Dialtone.Charging.Storage;

/// <summary>A grain outbox entry that failed <see cref="Dialtone.Charging.Outbox.GrainOutboxOptions.MaxAttempts"/> times, kept until an operator replays it.</summary>
/// <param name="Sequence">Its position in <c>grain_outbox</c> when it failed; names the dead letter.</param>
/// <param name="Payload">Null in lists; the JSON of the entry when one dead letter is read.</param>
/// <param name="Error">The last failure: exception type and message (handlers never put personal data in them).</param>
internal sealed record OutboxDeadLetter(long Sequence, string Kind, string Id, string? Payload, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset FailedAt, string Error);

/// <summary>
/// The grain outbox's dead letters (<c>grain_outbox_dead</c>): an entry whose handler kept failing leaves the outbox so
/// that it no longer holds its kind back, and waits here, with its last error, until an operator replays it.
/// </summary>
internal abstract partial class GrainStateDialect
{
    /// <summary>The dead-letter table, qualified as the SQL needs it.</summary>
    protected abstract string DeadLetterTable { get; }

    /// <summary>The longest error text kept with a dead letter.</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>Moves one entry from the outbox to the dead letters (counting the attempt that failed last unless it is counted already); false when it was gone already.</summary>
    public async Task<bool> DeadLetterOutboxAsync(long sequence, string error, DateTimeOffset failedAt, CancellationToken cancellationToken, bool countAttempt = true)
    {
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"INSERT INTO {DeadLetterTable} (seq, kind, id, payload, created_at, attempts, failed_at, error) " +
            $"SELECT seq, kind, id, payload, created_at, attempts + {(countAttempt ? 1 : 0)}, @f, @e FROM {OutboxTable} WHERE seq = @s ON CONFLICT (seq) DO NOTHING";
        AddParameter(command.Parameters, command.CreateParameter, "@s", DbType.Int64, sequence);
        AddParameter(command.Parameters, command.CreateParameter, "@f", DbType.Int64, failedAt.ToUnixTimeMilliseconds());
        AddParameter(command.Parameters, command.CreateParameter, "@e", DbType.String, error.Length <= MaxErrorLength ? error : error[..MaxErrorLength]);
        var moved = await command.ExecuteNonQueryAsync(cancellationToken);
        command.Parameters.Clear();
        command.CommandText = $"DELETE FROM {OutboxTable} WHERE seq = @s";
        AddParameter(command.Parameters, command.CreateParameter, "@s", DbType.Int64, sequence);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return moved > 0;
    }

    /// <summary>The dead letters in outbox order, without payloads: <paramref name="limit"/> of them after the first <paramref name="offset"/>.</summary>
    public async Task<IReadOnlyList<OutboxDeadLetter>> ReadDeadLettersAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, kind, id, NULL, created_at, attempts, failed_at, error FROM {DeadLetterTable} ORDER BY seq LIMIT @limit OFFSET @offset";
        AddParameter(command.Parameters, command.CreateParameter, "@limit", DbType.Int32, limit);
        AddParameter(command.Parameters, command.CreateParameter, "@offset", DbType.Int32, offset);
        return await ReadDeadLettersAsync(command, cancellationToken);
    }

    /// <summary>One dead letter with its payload, or null.</summary>
    public async Task<OutboxDeadLetter?> ReadDeadLetterAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, kind, id, payload, created_at, attempts, failed_at, error FROM {DeadLetterTable} WHERE seq = @s";
        AddParameter(command.Parameters, command.CreateParameter, "@s", DbType.Int64, sequence);
        return (await ReadDeadLettersAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>How many dead letters wait.</summary>
    public async Task<long> CountDeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {DeadLetterTable}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Puts dead letters back at the end of the outbox with no attempts counted (an entry of the same kind and id that is
    /// in the outbox again already is not doubled) and removes them from the dead letters; answers the ones that existed.
    /// </summary>
    public async Task<IReadOnlyList<long>> ReplayDeadLettersAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var inList = SequenceList(sequences);
        command.CommandText =
            $"INSERT INTO {OutboxTable} (kind, id, payload, created_at) SELECT kind, id, payload, created_at FROM {DeadLetterTable} " +
            $"WHERE seq IN {inList} ORDER BY seq ON CONFLICT (kind, id) DO NOTHING";
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = $"DELETE FROM {DeadLetterTable} WHERE seq IN {inList} RETURNING seq";
        var replayed = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                replayed.Add(reader.GetInt64(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        replayed.Sort();
        return replayed;
    }

    private static async Task<IReadOnlyList<OutboxDeadLetter>> ReadDeadLettersAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var letters = new List<OutboxDeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new OutboxDeadLetter(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.GetInt32(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.GetString(7)));
        }

        return letters;
    }
}
