using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Dialtone.Platform.Persistence;

/// <summary>
/// Ready means migrated, the reference data loaded (roles, clients, the demo catalog when on: a client's first request
/// finds them), and the database answering a query.
/// </summary>
public sealed class DatabaseHealthCheck(DialtoneDatabase database, DatabaseReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsMigrated)
        {
            return HealthCheckResult.Unhealthy("Migrations have not been applied yet.");
        }

        if (!readiness.IsReferenceDataLoaded)
        {
            return HealthCheckResult.Unhealthy("Reference data is still being loaded.");
        }

        try
        {
            await using DbConnection connection = database.IsSqlite
                ? new SqliteConnection(database.ConnectionString)
                : new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} answers.");
        }
        catch (DbException e)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} does not answer.", e);
        }
    }
}
