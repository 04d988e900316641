using Dialtone.Legacy.Adapter;
using Microsoft.Extensions.Logging;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>
/// One round of bringing a legacy record to Dialtone's state: it reads the record, then writes with
/// <see cref="Version"/> as <c>ExpectedVersion</c>, moving it on with <see cref="Wrote"/> after each write.
/// </summary>
internal sealed class LegacyRound
{
    /// <summary>The version the round's next write expects: the version read, then the one each write answered.</summary>
    public long Version { get; set; }

    public int Writes { get; private set; }

    public void Wrote(long version)
    {
        Version = version;
        Writes++;
    }
}

/// <summary>
/// The re-read rule of every delivery to legacy (ADR 0017): a write refused with a version conflict means legacy's users
/// changed the record between the round's read and its write, so the round runs again from a fresh read, at most
/// <see cref="MaxRounds"/> times per attempt, then the attempt fails with a retryable <c>VERSION_CONFLICT</c> (the
/// message is rescheduled). A record erased in legacy meanwhile ends the delivery to it: there is nothing left to write.
/// </summary>
internal static partial class LegacyRereads
{
    public const int MaxRounds = 5;

    /// <summary>Runs <paramref name="round"/> until one completes; answers the writes of every round (those before a conflict were made too).</summary>
    public static async Task<int> RunAsync(Func<LegacyRound, Task> round, LegacyChange change, string legacyId, ILogger logger)
    {
        var writes = 0;
        for (var attempt = 0; attempt < MaxRounds; attempt++)
        {
            var current = new LegacyRound();
            try
            {
                await round(current);
                return writes + current.Writes;
            }
            catch (LegacyFaultException e) when (e.Code == LegacyFaultException.VersionConflict)
            {
                writes += current.Writes;
                LogReread(logger, change.Id, legacyId, current.Version, e.CurrentVersion, change.TraceId);
            }
            catch (LegacyFaultException e) when (e.Code == LegacyFaultException.RecordErased)
            {
                return writes + current.Writes;
            }
        }

        throw new LegacyFaultException("propagation", LegacyFaultException.VersionConflict, "VERSION_CONFLICT", retryable: true, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId}: record {LegacyCustomerId} changed under version {Version} (now {CurrentVersion}); reading it again, trace {TraceId}")]
    private static partial void LogReread(ILogger logger, string changeId, string legacyCustomerId, long version, long? currentVersion, string? traceId);
}
