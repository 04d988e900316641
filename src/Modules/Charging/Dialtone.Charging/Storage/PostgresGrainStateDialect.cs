using System.Data.Common;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Dialtone.Charging.Storage;

/// <summary>Grain state in <c>{schema}.grain_state</c> on PostgreSQL; a batch goes to the server in one round trip.</summary>
internal sealed partial class PostgresGrainStateDialect : GrainStateDialect
{
    private readonly NpgsqlDataSource dataSource;
    private readonly string schema;

    public PostgresGrainStateDialect(string connectionString, string schema)
    {
        if (!Identifier().IsMatch(schema))
        {
            throw new ArgumentException($"'{schema}' is not a plain PostgreSQL identifier (lower-case letters, digits and _).", nameof(schema));
        }

        this.schema = schema;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!NamesPoolSize(connectionString))
        {
            // This pool is the storage's own, beside the application's: the writer keeps one connection, reads are
            // primary-key look-ups. Npgsql's default (100) would let a burst of activations take all the server's.
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} schema {schema}";
    }

    /// <summary>The pool size when the connection string sets none.</summary>
    public const int DefaultMaxPoolSize = 8;

    public override string Description { get; }

    protected override string Table => schema + ".grain_state";

    protected override string OutboxTable => schema + ".grain_outbox";

    protected override string DeadLetterTable => schema + ".grain_outbox_dead";

    protected override string Now => "now()";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // CREATE ... IF NOT EXISTS still races between nodes starting together (a unique violation in the catalog): one
        // at a time.
        command.CommandText = $"""
            SELECT pg_advisory_xact_lock({LockKey(schema)});
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.grain_state (
                grain_type text NOT NULL,
                grain_id text NOT NULL,
                state_name text NOT NULL,
                version bigint NOT NULL,
                payload bytea NULL,
                updated_at timestamptz NOT NULL,
                CONSTRAINT grain_state_pkey PRIMARY KEY (grain_type, grain_id, state_name)
            );
            CREATE TABLE IF NOT EXISTS {schema}.grain_outbox (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                kind text NOT NULL,
                id text NOT NULL,
                payload text NOT NULL,
                created_at bigint NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                CONSTRAINT grain_outbox_kind_id UNIQUE (kind, id)
            );
            CREATE TABLE IF NOT EXISTS {schema}.grain_outbox_dead (
                seq bigint PRIMARY KEY,
                kind text NOT NULL,
                id text NOT NULL,
                payload text NOT NULL,
                created_at bigint NOT NULL,
                attempts integer NOT NULL,
                failed_at bigint NOT NULL,
                error text NOT NULL
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public override async Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();

    /// <summary>The advisory lock the relaying node holds (pg_locks shows it as classid = high 32 bits, objid = low 32 bits).</summary>
    internal long OutboxRelayLockKey => LockKeyOf("dialtone-grain-outbox-relay:" + schema);

    // A session-level advisory lock on a connection of its own, held while this node relays: PostgreSQL frees it when
    // the lease is disposed or the session dies with its node.
    public override async Task<IOutboxRelayLease?> TryLeaseOutboxRelayAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            // The server keeps a session (and its lock) until it notices the client is gone; with the kernel's defaults a
            // node that vanished without closing its socket (a crash of its host, a cut network) would hold the relay for
            // about two hours. The session's own keepalives make the server notice within about 30 s.
            command.CommandText = "SET tcp_keepalives_idle = 15; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3; " +
                                  $"SELECT pg_try_advisory_lock({OutboxRelayLockKey})";
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new AdvisoryLockLease(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    private sealed class AdvisoryLockLease(NpgsqlConnection connection) : IOutboxRelayLease
    {
        public async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken);
                return true;
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                return false;
            }
        }

        // Closing the session releases its advisory locks; the pool resets a returned connection with DISCARD ALL,
        // which releases them too, but an explicit unlock says what is meant.
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT pg_advisory_unlock_all()";
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                // The session is gone, and its locks with it.
            }

            await connection.DisposeAsync();
        }
    }

    private static bool NamesPoolSize(string connectionString)
    {
        var keys = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.ContainsKey("Maximum Pool Size") || keys.ContainsKey("Max Pool Size") || keys.ContainsKey("MaxPoolSize");
    }

    private static long LockKey(string schema) => LockKeyOf("dialtone-grain-state:" + schema);

    private static long LockKeyOf(string name)
    {
        // FNV-1a: the same on every node (string.GetHashCode is randomised per process).
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
