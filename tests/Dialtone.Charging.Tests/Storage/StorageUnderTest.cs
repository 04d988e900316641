using System.Data.Common;
using Dialtone.Charging.Storage;
using Dialtone.Platform;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans;
using Orleans.Runtime;

namespace Dialtone.Charging.Tests.Storage;

public enum StorageDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A place of its own for one test's grain state: a temp SQLite file, or a fresh schema on the PostgreSQL server named by
/// <see cref="PostgresConnectionVariable"/> (dropped at the end). Every storage opened on it is disposed with it.
/// </summary>
internal sealed class StorageUnderTest : IAsyncDisposable
{
    /// <summary>An admin connection string to a PostgreSQL server; when set, every storage test also runs on PostgreSQL.</summary>
    public const string PostgresConnectionVariable = "DIALTONE_TEST_POSTGRES";

    private readonly List<BatchingGrainStorage> opened = [];
    private readonly string? postgres;

    public StorageUnderTest(StorageDatabase database)
    {
        Database = database;
        Directory.CreateDirectory(DirectoryPath);
        if (database == StorageDatabase.Postgres)
        {
            postgres = Environment.GetEnvironmentVariable(PostgresConnectionVariable)
                       ?? throw new InvalidOperationException($"{PostgresConnectionVariable} is not set.");
        }
    }

    /// <summary>SQLite always; PostgreSQL too when <see cref="PostgresConnectionVariable"/> is set.</summary>
    public static TheoryData<StorageDatabase> Databases
    {
        get
        {
            var databases = new TheoryData<StorageDatabase> { StorageDatabase.Sqlite };
            if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresConnectionVariable)))
            {
                databases.Add(StorageDatabase.Postgres);
            }

            return databases;
        }
    }

    public StorageDatabase Database { get; }

    /// <summary>Names the storage (and tags its metrics): unique per test.</summary>
    public string Name { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    public string DirectoryPath { get; } = Path.Combine(Path.GetTempPath(), "dialtone-tests", "grain-storage", Guid.NewGuid().ToString("N"));

    public string FilePath => Path.Combine(DirectoryPath, "grains.db");

    public string Schema { get; } = "grain_test_" + Guid.NewGuid().ToString("N")[..12];

    public string? PostgresConnectionString => postgres;

    /// <summary>The state table as SQL names it on this database.</summary>
    public string StateTable => Database == StorageDatabase.Sqlite ? "grain_state" : Schema + ".grain_state";

    /// <summary>A connection of the test's own (not pooled) to the store's database, open: for looking at raw rows.</summary>
    public async Task<DbConnection> OpenRawConnectionAsync()
    {
        DbConnection connection = Database == StorageDatabase.Sqlite
            ? new SqliteConnection($"Data Source={FilePath};Pooling=False")
            : new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>A new storage on this test's file or schema (a second one sees what the first committed).</summary>
    public BatchingGrainStorage Open(Action<ChargingStorageOptions>? configure = null)
    {
        var options = new ChargingStorageOptions();
        Configure(options);
        configure?.Invoke(options);
        var storage = new BatchingGrainStorage(Name, options, NullLogger<BatchingGrainStorage>.Instance);
        opened.Add(storage);
        return storage;
    }

    /// <summary>Points the options at this test's file or schema.</summary>
    public void Configure(ChargingStorageOptions options)
    {
        if (Database == StorageDatabase.Sqlite)
        {
            options.Provider = DatabaseProvider.Sqlite;
            options.FilePath = FilePath;
        }
        else
        {
            options.Provider = DatabaseProvider.Postgres;
            options.ConnectionString = postgres;
            options.Schema = Schema;
        }
    }

    public static GrainId Grain(string key) => GrainId.Create("test", key);

    public static GrainState<T> Empty<T>() => new();

    public async ValueTask DisposeAsync()
    {
        foreach (var storage in opened)
        {
            await storage.DisposeAsync();
        }

        if (postgres is not null)
        {
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP SCHEMA IF EXISTS {Schema} CASCADE";
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temp directory is cleaned up by the OS.
        }
    }
}
