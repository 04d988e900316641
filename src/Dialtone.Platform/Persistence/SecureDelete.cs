using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dialtone.Platform.Persistence;

/// <summary>
/// SQLite keeps deleted rows' bytes in free pages until they are reused; <c>secure_delete</c> overwrites them with zeros,
/// so what an erasure or a purge removed is gone from the file too. Set on every connection EF Core opens.
/// </summary>
internal sealed class SecureDelete : DbConnectionInterceptor
{
    public static readonly SecureDelete Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Enable(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Enable(connection);
        return Task.CompletedTask;
    }

    private static void Enable(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA secure_delete = ON;";
        command.ExecuteNonQuery();
    }
}
