using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Dialtone.Bench.Charging;

/// <summary>
/// The most durable writes the charging grain store could commit on this disk: the store's own table, statement and
/// settings (WAL, <c>synchronous=FULL</c>, <c>BEGIN IMMEDIATE</c> … <c>COMMIT</c>, <c>UPDATE … WHERE version = @v RETURNING version</c>
/// with the whole state as the payload), driven through SQLite's C API from one thread with nothing else in the way:
/// no server, no ADO.NET, no JSON. Measured once per rows-per-commit value (1: a commit per write; 100: group commit).
/// </summary>
internal static class SqliteCeiling
{
    private const string GrainType = "chargingaccount";
    private const string StateName = "account";

    public static int Run(BenchOptions options, TextWriter output)
    {
        var library = options.SqliteLibrary ?? "libsqlite3.so.0";
        NativeLibrary.SetDllImportResolver(typeof(SqliteCeiling).Assembly, (name, _, _) =>
            name == Sqlite3.Library ? NativeLibrary.Load(library) : IntPtr.Zero);

        var directory = options.CeilingDirectory ?? Path.Combine(Path.GetTempPath(), "dialtone-ceiling-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "ceiling-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        output.WriteLine($"sqlite          {Marshal.PtrToStringUTF8(Sqlite3.LibVersion())} ({library}); file {path}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"settings        journal_mode=WAL, synchronous={options.Synchronous}, {options.CeilingKeys} rows of {options.PayloadBytes} bytes updated round-robin, version-checked; 2 s unmeasured then {options.CeilingSeconds:0.#} s per row count"));
        var db = IntPtr.Zero;
        try
        {
            Check(Sqlite3.Open(path, out db, Sqlite3.OpenReadWrite | Sqlite3.OpenCreate, IntPtr.Zero), db, "open");
            Exec(db, "PRAGMA journal_mode = WAL;");
            Exec(db, $"PRAGMA synchronous = {options.Synchronous};");
            Exec(db, """
                CREATE TABLE IF NOT EXISTS grain_state (
                    grain_type TEXT NOT NULL,
                    grain_id TEXT NOT NULL,
                    state_name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    payload BLOB NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (grain_type, grain_id, state_name)
                );
                """);
            var payload = Payload(options.PayloadBytes);
            var keys = Enumerable.Range(0, options.CeilingKeys).Select(i => Guid.NewGuid().ToString("N")).ToArray();
            var versions = new long[keys.Length];
            Exec(db, "BEGIN");
            var insert = Prepare(db, "INSERT INTO grain_state (grain_type, grain_id, state_name, version, payload, updated_at) VALUES (@t, @i, @s, 1, @p, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
            foreach (var key in keys)
            {
                BindKey(db, insert, key);
                Check(Sqlite3.BindBlob(insert, 4, payload, payload.Length, Sqlite3.Transient), db, "bind");
                Check(Sqlite3.Step(insert) == Sqlite3.Done ? 0 : 1, db, "insert");
                _ = Sqlite3.Reset(insert);
            }

            _ = Sqlite3.Finalize(insert);
            Exec(db, "COMMIT");
            Array.Fill(versions, 1);

            // The store's statement (GrainStateDialect.UpdateSql with SQLite's Now).
            var update = Prepare(db, "UPDATE grain_state SET version = version + 1, payload = @p, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') " +
                                     "WHERE grain_type = @t AND grain_id = @i AND state_name = @s AND version = @v RETURNING version");
            var begin = Prepare(db, "BEGIN IMMEDIATE");
            var commit = Prepare(db, "COMMIT");
            var cursor = 0;
            foreach (var rows in options.RowsPerCommit)
            {
                var latencies = new Latencies();
                long commits = 0;
                var frequency = Stopwatch.Frequency;
                var warmupEnd = Stopwatch.GetTimestamp() + (2 * frequency);
                var measureEnd = warmupEnd + (long)(options.CeilingSeconds * frequency);
                long measuredFrom = 0;
                while (true)
                {
                    var start = Stopwatch.GetTimestamp();
                    if (start >= measureEnd)
                    {
                        break;
                    }

                    Step(db, begin, Sqlite3.Done, "BEGIN");
                    for (var r = 0; r < rows; r++)
                    {
                        var index = cursor++ % keys.Length;
                        Check(Sqlite3.BindBlob(update, 1, payload, payload.Length, Sqlite3.Transient), db, "bind");
                        Check(Sqlite3.BindText(update, 2, GrainType, -1, Sqlite3.Transient), db, "bind");
                        Check(Sqlite3.BindText(update, 3, keys[index], -1, Sqlite3.Transient), db, "bind");
                        Check(Sqlite3.BindText(update, 4, StateName, -1, Sqlite3.Transient), db, "bind");
                        Check(Sqlite3.BindInt64(update, 5, versions[index]), db, "bind");
                        Step(db, update, Sqlite3.Row, "UPDATE");
                        versions[index] = Sqlite3.ColumnInt64(update, 0);
                        Step(db, update, Sqlite3.Done, "UPDATE");
                    }

                    Step(db, commit, Sqlite3.Done, "COMMIT");
                    var stop = Stopwatch.GetTimestamp();
                    if (start >= warmupEnd)
                    {
                        measuredFrom = measuredFrom == 0 ? start : measuredFrom;
                        latencies.Record(Stopwatch.GetElapsedTime(start, stop).Ticks / 10);
                        commits++;
                    }
                }

                var seconds = Stopwatch.GetElapsedTime(measuredFrom, Stopwatch.GetTimestamp()).TotalSeconds;
                static string Ms(long micros) => (micros / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{rows,3} row(s)/commit {commits / seconds,8:0} commits/s {commits * rows / seconds,9:0} row updates/s   commit ms p50 {Ms(latencies.Percentile(50))} p99 {Ms(latencies.Percentile(99))} max {Ms(latencies.Max)}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT tool=sqlite-ceiling synchronous={options.Synchronous} rows_per_commit={rows} payload_bytes={options.PayloadBytes} commits_per_s={commits / seconds:0} rows_per_s={commits * rows / seconds:0} commit_p50_ms={Ms(latencies.Percentile(50))} commit_p99_ms={Ms(latencies.Percentile(99))}"));
            }

            _ = Sqlite3.Finalize(update);
            _ = Sqlite3.Finalize(begin);
            _ = Sqlite3.Finalize(commit);
            return 0;
        }
        finally
        {
            if (db != IntPtr.Zero)
            {
                _ = Sqlite3.Close(db);
            }

            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            if (options.CeilingDirectory is null)
            {
                Directory.Delete(directory);
            }
        }
    }

    /// <summary>JSON-looking bytes (SQLite stores them as they are; the content does not matter, the size does).</summary>
    private static byte[] Payload(int size)
    {
        var text = new StringBuilder(size + 64);
        text.Append("{\"wallet\":{\"buckets\":[");
        while (text.Length < size)
        {
            text.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"{Guid.NewGuid():N}\",\"used\":{text.Length}}},");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, size));
    }

    private static void BindKey(IntPtr db, IntPtr statement, string key)
    {
        Check(Sqlite3.BindText(statement, 1, GrainType, -1, Sqlite3.Transient), db, "bind");
        Check(Sqlite3.BindText(statement, 2, key, -1, Sqlite3.Transient), db, "bind");
        Check(Sqlite3.BindText(statement, 3, StateName, -1, Sqlite3.Transient), db, "bind");
    }

    private static void Step(IntPtr db, IntPtr statement, int expected, string what)
    {
        var result = Sqlite3.Step(statement);
        if (result != expected)
        {
            throw new InvalidOperationException($"{what}: sqlite3_step returned {result}: {Marshal.PtrToStringUTF8(Sqlite3.ErrMsg(db))}");
        }

        if (result == Sqlite3.Done)
        {
            _ = Sqlite3.Reset(statement);
        }
    }

    private static IntPtr Prepare(IntPtr db, string sql)
    {
        Check(Sqlite3.Prepare(db, sql, -1, out var statement, out _), db, sql);
        return statement;
    }

    private static void Exec(IntPtr db, string sql)
    {
        var result = Sqlite3.Exec(db, sql, IntPtr.Zero, IntPtr.Zero, out var error);
        if (result != 0)
        {
            var message = Marshal.PtrToStringUTF8(error);
            Sqlite3.Free(error);
            throw new InvalidOperationException($"{sql}: {message}");
        }
    }

    private static void Check(int result, IntPtr db, string what)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{what}: SQLite error {result}: {(db == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(Sqlite3.ErrMsg(db)))}");
        }
    }
}

/// <summary>The few SQLite C functions the ceiling calls; the library is chosen at run time (<see cref="NativeLibrary.SetDllImportResolver(Assembly, DllImportResolver)"/>).</summary>
internal static partial class Sqlite3
{
    public const string Library = "sqlite3";
    public const int Row = 100;
    public const int Done = 101;
    public const int OpenReadWrite = 0x2;
    public const int OpenCreate = 0x4;

    /// <summary>SQLITE_TRANSIENT: SQLite copies the bound value.</summary>
    public static readonly IntPtr Transient = new(-1);

    [LibraryImport(Library, EntryPoint = "sqlite3_libversion")]
    public static partial IntPtr LibVersion();

    [LibraryImport(Library, EntryPoint = "sqlite3_open_v2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string filename, out IntPtr db, int flags, IntPtr vfs);

    [LibraryImport(Library, EntryPoint = "sqlite3_close_v2")]
    public static partial int Close(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_exec", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Exec(IntPtr db, string sql, IntPtr callback, IntPtr argument, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "sqlite3_free")]
    public static partial void Free(IntPtr pointer);

    [LibraryImport(Library, EntryPoint = "sqlite3_errmsg")]
    public static partial IntPtr ErrMsg(IntPtr db);

    [LibraryImport(Library, EntryPoint = "sqlite3_prepare_v2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Prepare(IntPtr db, string sql, int bytes, out IntPtr statement, out IntPtr tail);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_text", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int BindText(IntPtr statement, int index, string value, int bytes, IntPtr destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_blob")]
    public static partial int BindBlob(IntPtr statement, int index, byte[] value, int bytes, IntPtr destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_int64")]
    public static partial int BindInt64(IntPtr statement, int index, long value);

    [LibraryImport(Library, EntryPoint = "sqlite3_step")]
    public static partial int Step(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_reset")]
    public static partial int Reset(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_finalize")]
    public static partial int Finalize(IntPtr statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    public static partial long ColumnInt64(IntPtr statement, int column);
}
