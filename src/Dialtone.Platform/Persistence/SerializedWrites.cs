using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Dialtone.Platform.Persistence;

/// <summary>
/// A module's writes that check before they change (a reference exists, nothing refers to what is deleted) run one at a
/// time, so that a check and its change are atomic: on SQLite the transaction starts <c>BEGIN IMMEDIATE</c> (the one
/// writer), on PostgreSQL it takes a transaction-scoped advisory lock per module. Wolverine's
/// <c>SaveChangesAndFlushMessagesAsync</c> commits the transaction with the outbox messages.
/// </summary>
public static class SerializedWrites
{
    public static async Task<IDbContextTransaction> BeginSerializedWriteAsync(this ModuleDbContext db, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite begins transactions IMMEDIATE unless asked for deferred.
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!ModuleModel.IsSqlite(db))
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [LockKey(db.OwningModule)], cancellationToken);
        }

        return transaction;
    }

    private static long LockKey(string module)
    {
        // FNV-1a: stable across processes and nodes (string.GetHashCode is randomised per process).
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes("dialtone-writes:" + module))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
