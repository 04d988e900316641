using Microsoft.Data.Sqlite;
using static Dialtone.Charging.Tests.Storage.StorageUnderTest;

namespace Dialtone.Charging.Tests.Storage;

/// <summary>
/// The grain states' table on SQLite is a rowid table (a row of up to ~4,000 bytes stays on its leaf page); a file made
/// with the former WITHOUT ROWID table is moved over, every state and version kept, before the first write.
/// </summary>
public sealed class SqliteStateLayout
{
    [Fact]
    public async Task AFileWithTheFormerWithoutRowidTableKeepsEveryStateAndVersionInARowidTable()
    {
        await using var place = new StorageUnderTest(StorageDatabase.Sqlite);
        Directory.CreateDirectory(place.DirectoryPath);
        await using (var connection = await place.OpenRawConnectionAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE grain_state (
                    grain_type TEXT NOT NULL, grain_id TEXT NOT NULL, state_name TEXT NOT NULL, version INTEGER NOT NULL,
                    payload BLOB NULL, updated_at TEXT NOT NULL, PRIMARY KEY (grain_type, grain_id, state_name)
                ) WITHOUT ROWID;
                INSERT INTO grain_state VALUES ('test', 'alice', 'balance', 3, CAST('{"currency":"EUR","amount":1.5,"writes":3}' AS BLOB), '2026-11-28T00:00:00Z');
                INSERT INTO grain_state VALUES ('test', 'bob', 'balance', 7, NULL, '2026-11-28T00:00:00Z');
                """;
            await command.ExecuteNonQueryAsync();
        }

        var storage = place.Open();
        var alice = Empty<Balance>();
        await storage.ReadStateAsync("balance", Grain("alice"), alice);
        Assert.Equal((new Balance("EUR", 1.5m, 3), "3"), (alice.State, alice.ETag));
        alice.State = alice.State! with { Writes = 4 };
        await storage.WriteStateAsync("balance", Grain("alice"), alice);
        Assert.Equal("4", alice.ETag);

        // A cleared state keeps its version: a write must still name it.
        var bob = Empty<Balance>();
        await storage.ReadStateAsync("balance", Grain("bob"), bob);
        Assert.Equal(("7", false), (bob.ETag, bob.RecordExists));

        await using (var connection = new SqliteConnection($"Data Source={place.FilePath};Pooling=False;Mode=ReadOnly"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'grain_state'";
            var definition = (string)(await command.ExecuteScalarAsync())!;
            Assert.DoesNotContain("WITHOUT ROWID", definition, StringComparison.OrdinalIgnoreCase);
            command.CommandText = "SELECT count(*) FROM grain_state";
            Assert.Equal(2L, (long)(await command.ExecuteScalarAsync())!);
        }
    }
}
