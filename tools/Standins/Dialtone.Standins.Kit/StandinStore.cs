using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Dialtone.Standins;

/// <summary>
/// A stand-in's own state in its own SQLite file: records by kind and id, the first answer to every idempotency key,
/// and counters of what really happened (so tests can tell one effect from a replayed answer).
/// </summary>
public sealed class StandinStore : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Lock gate = new();

    public StandinStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id));
            CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, status INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """);
    }

    public JsonObject? Find(string kind, string id)
    {
        lock (gate)
        {
            using var command = Command("SELECT body FROM records WHERE kind = $kind AND id = $id", ("$kind", kind), ("$id", id));
            return command.ExecuteScalar() is string body ? JsonNode.Parse(body)!.AsObject() : null;
        }
    }

    /// <summary>Whether another record of <paramref name="kind"/> holds <paramref name="value"/> at <paramref name="property"/>.</summary>
    public bool IsTakenByAnother(string kind, string id, string property, string value)
    {
        lock (gate)
        {
            using var command = Command("SELECT count(*) FROM records WHERE kind = $kind AND id <> $id AND json_extract(body, $path) = $value",
                ("$kind", kind), ("$id", id), ("$path", "$." + property), ("$value", value));
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
    }

    /// <summary>The id of the record of <paramref name="kind"/> holding <paramref name="value"/> at <paramref name="property"/>, or null.</summary>
    public string? FindIdBy(string kind, string property, string value)
    {
        lock (gate)
        {
            using var command = Command("SELECT id FROM records WHERE kind = $kind AND json_extract(body, $path) = $value LIMIT 1",
                ("$kind", kind), ("$path", "$." + property), ("$value", value));
            return command.ExecuteScalar() as string;
        }
    }

    public void Save(string kind, string id, JsonObject body)
    {
        lock (gate)
        {
            using var command = Command("INSERT INTO records (kind, id, body) VALUES ($kind, $id, $body) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                ("$kind", kind), ("$id", id), ("$body", body.ToJsonString()));
            command.ExecuteNonQuery();
        }
    }

    public bool Delete(string kind, string id)
    {
        lock (gate)
        {
            using var command = Command("DELETE FROM records WHERE kind = $kind AND id = $id", ("$kind", kind), ("$id", id));
            return command.ExecuteNonQuery() > 0;
        }
    }

    public long Count(string kind)
    {
        lock (gate)
        {
            using var command = Command("SELECT count(*) FROM records WHERE kind = $kind", ("$kind", kind));
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public (int Status, string Body)? Answer(string key)
    {
        lock (gate)
        {
            using var command = Command("SELECT status, body FROM answers WHERE key = $key", ("$key", key));
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt32(0), reader.GetString(1)) : null;
        }
    }

    public void Remember(string key, int status, string body)
    {
        lock (gate)
        {
            using var command = Command("INSERT OR IGNORE INTO answers (key, status, body) VALUES ($key, $status, $body)", ("$key", key), ("$status", status), ("$body", body));
            command.ExecuteNonQuery();
        }
    }

    public void Increment(string counter)
    {
        lock (gate)
        {
            using var command = Command("INSERT INTO counters (name, value) VALUES ($name, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1", ("$name", counter));
            command.ExecuteNonQuery();
        }
    }

    public JsonObject Counters()
    {
        lock (gate)
        {
            using var command = Command("SELECT name, value FROM counters ORDER BY name");
            using var reader = command.ExecuteReader();
            var counters = new JsonObject();
            while (reader.Read())
            {
                counters[reader.GetString(0)] = reader.GetInt64(1);
            }

            return counters;
        }
    }

    public void Dispose() => connection.Dispose();

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>A JSON body for an answer.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
