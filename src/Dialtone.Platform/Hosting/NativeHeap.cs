using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Dialtone.Platform.Hosting;

/// <summary>
/// glibc's malloc, which SQLite and OpenSSL allocate from (the managed heap is the GC's own), pinned at the thresholds its
/// dynamic heuristic converges to (docs/decisions/0019-native-heap-thresholds.md): blocks up to 32 MiB come from the
/// arenas instead of a fresh <c>mmap</c> each, and an arena keeps up to 64 MiB of free memory at its top instead of
/// handing every freed page back to the kernel and faulting it in again at the next allocation. Under a bulk import the
/// handing back and faulting in was a tenth of the server's CPU (<c>sysmalloc</c> and page faults).
/// </summary>
public static partial class NativeHeap
{
    /// <summary>glibc's <c>DEFAULT_MMAP_THRESHOLD_MAX</c> on 64-bit: the highest the dynamic mmap threshold climbs.</summary>
    public const int MmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>Twice the mmap threshold: what glibc sets the trim threshold to whenever it raises the mmap threshold.</summary>
    public const int TrimThresholdBytes = 2 * MmapThresholdBytes;

    private const int MallocTrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD

    /// <summary>
    /// Sets the thresholds once, on Linux with glibc, unless the operator tuned malloc through <c>GLIBC_TUNABLES</c>
    /// (theirs win) or switched it off (<c>Dialtone:NativeHeap:Tune = false</c>). Returns what it did, for the start-up log.
    /// </summary>
    public static string Tune(bool enabled, string? tunables)
    {
        if (!enabled)
        {
            return "left at glibc's defaults (Dialtone:NativeHeap:Tune is false)";
        }

        if (!OperatingSystem.IsLinux())
        {
            return "left alone (not Linux)";
        }

        if (tunables?.Contains("glibc.malloc.", StringComparison.Ordinal) == true)
        {
            return "left to GLIBC_TUNABLES";
        }

        try
        {
            // mallopt returns 1 on success; musl's is a stub that returns 0 (nothing to tune there).
            return Mallopt(MallocMmapThreshold, MmapThresholdBytes) == 1 && Mallopt(MallocTrimThreshold, TrimThresholdBytes) == 1
                ? $"malloc mmap threshold {MmapThresholdBytes >> 20} MiB, trim threshold {TrimThresholdBytes >> 20} MiB"
                : "left alone (mallopt refused: not glibc)";
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return "left alone (no mallopt in libc)";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Native heap: {NativeHeap}")]
    internal static partial void LogTuning(ILogger logger, string nativeHeap);

    // A blittable call: DllImport needs no marshalling stub, and no unsafe code in the platform as LibraryImport would.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}

/// <summary>What <see cref="NativeHeap.Tune"/> did at start, logged once the host is built.</summary>
public sealed record NativeHeapTuning(string Outcome);
