using Dialtone.Platform;
using Orleans.Storage;

namespace Dialtone.Charging.Storage;

/// <summary>
/// Settings of one named <see cref="BatchingGrainStorage"/> (registered with
/// <see cref="BatchingGrainStorageExtensions.AddBatchingGrainStorage(Orleans.Hosting.ISiloBuilder, string, Action{ChargingStorageOptions})"/>).
/// </summary>
public sealed class ChargingStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>The SQLite file under the data directory when neither <see cref="FilePath"/> nor <see cref="ConnectionString"/> is set.</summary>
    public const string DefaultRelativeFilePath = "charging/grains.db";

    /// <summary>The PostgreSQL schema of the <c>grain_state</c> table unless <see cref="Schema"/> says otherwise.</summary>
    public const string DefaultSchema = "charging";

    /// <summary>SQLite (its own file, never the shared <c>dialtone.db</c>: SQLite has one writer) or PostgreSQL.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// PostgreSQL: required; the storage has its own connection pool, capped at 8 unless the string sets
    /// <c>Maximum Pool Size</c> (the writer holds one connection, each read borrows one). SQLite: optional, overrides
    /// <see cref="FilePath"/> (its <c>Data Source</c> names the file).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite: the database file; relative paths are taken from the working directory. Default
    /// <c>{DataDirectory}/charging/grains.db</c> (<see cref="DialtoneOptions.DataDirectory"/>).
    /// </summary>
    public string? FilePath { get; set; }

    /// <summary>PostgreSQL: the schema that holds <c>grain_state</c> (created if missing). Lower-case letters, digits and <c>_</c>.</summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// The most pending writes one transaction commits. A batch is whatever accumulated while the previous commit ran
    /// (group commit, no added delay), up to this size.
    /// </summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// SQLite's <c>PRAGMA synchronous</c> on the writer connection (WAL). <see cref="SqliteSynchronousMode.Full"/> (default)
    /// makes an acknowledged write survive power loss as well as a killed process; <see cref="SqliteSynchronousMode.Normal"/>
    /// survives a killed process only (the last commits may be lost on power loss) and is faster.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// Linux: the nice value of the writer thread (-20 highest priority … 19 lowest; 0 leaves it as the process's). Every
    /// charging request waits for the writer's commit, so by default it runs ahead of the threads that serve the requests
    /// (-10). A value below 0 needs <c>CAP_SYS_NICE</c> or an <c>RLIMIT_NICE</c> that allows it; without them the writer
    /// keeps the normal priority and the log says so (<see cref="StorageThreads"/>).
    /// </summary>
    public int WriterNice { get; set; } = -10;

    /// <summary>
    /// How a state is turned into the stored payload and back. Default: System.Text.Json with the Web defaults
    /// (camelCase, case-insensitive read), stored as UTF-8 bytes.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = JsonGrainStateSerializer.Default;
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels that are meaningful in WAL mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>Survives a killed process; the last commits may be rolled back after power loss.</summary>
    Normal,

    /// <summary>Every commit is synced to disk before it is acknowledged.</summary>
    Full,

    /// <summary>As <see cref="Full"/>, and the directory is synced too.</summary>
    Extra,
}
