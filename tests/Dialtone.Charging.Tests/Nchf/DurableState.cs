using System.Text.Json;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Rating;
using Microsoft.Data.Sqlite;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>What a charging account's durable state says, read from the grain store's SQLite file after the server died.</summary>
internal static class DurableState
{
    public static async Task<(long Used, long Held, int OpenSessions)> AccountAsync(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "charging", "grains.db");
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE state_name = 'account'";
        var payloads = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                payloads.Add(reader.GetValue(0) switch
                {
                    byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                    var text => (string)text,
                });
            }
        }

        var state = JsonSerializer.Deserialize<ChargingAccountState>(Assert.Single(payloads), JsonSerializerOptions.Web)!;
        var wallet = Wallet.Restore(state.Wallet!);
        var used = wallet.Buckets.Sum(bucket => bucket.Used);
        var held = wallet.Buckets.Sum(bucket => bucket.Held);
        return (used, held, state.Sessions.Values.Count(session => session.EndedAt is null));
    }
}
