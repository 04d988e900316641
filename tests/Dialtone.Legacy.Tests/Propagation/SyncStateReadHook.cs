using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// Another actor at the worst moment of a delivery: once, just before the legacy module reads the armed record's sync
/// state (a query of <c>sync_states</c> naming the record), it runs <see cref="OtherWriter"/> — after the delivery's
/// first look for an erasure of the person, before its look again.
/// </summary>
internal sealed class SyncStateReadHook : DbCommandInterceptor
{
    private int armed;

    public string? LegacyId { get; private set; }

    public Func<CancellationToken, Task>? OtherWriter { get; set; }

    public int Fired { get; private set; }

    public void Arm(string legacyId)
    {
        LegacyId = legacyId;
        Volatile.Write(ref armed, 1);
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
        CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref armed) == 1 && command.CommandText.Contains("sync_states", StringComparison.Ordinal)
            && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            && command.Parameters.Cast<DbParameter>().Any(p => Equals(p.Value, LegacyId))
            && Interlocked.Exchange(ref armed, 0) == 1)
        {
            await OtherWriter!(cancellationToken);
            Fired++;
        }

        return result;
    }
}
