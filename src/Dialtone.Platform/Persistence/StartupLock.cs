using Npgsql;

namespace Dialtone.Platform.Persistence;

/// <summary>
/// Serialises start-up work (demo data, bootstrap accounts) across nodes that start together on one PostgreSQL
/// database: a session-level advisory lock on an unpooled connection, released when the lock is disposed. SQLite is
/// one node by construction and needs none.
/// </summary>
public sealed class StartupLock : IAsyncDisposable
{
    private readonly NpgsqlConnection? connection;

    private StartupLock(NpgsqlConnection? connection) => this.connection = connection;

    public static async Task<StartupLock> AcquireAsync(DialtoneDatabase database, long key, CancellationToken cancellationToken)
    {
        if (database.IsSqlite)
        {
            return new StartupLock(null);
        }

        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new StartupLock(connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
