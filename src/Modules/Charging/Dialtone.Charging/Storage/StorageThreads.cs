using System.Runtime.InteropServices;

namespace Dialtone.Charging.Storage;

/// <summary>
/// The grain storage's own threads: named, so that they can be told apart in <c>/proc</c>, <c>perf</c> and dumps, and the
/// writer's CPU priority raised on Linux (<see cref="ChargingStorageOptions.WriterNice"/>).
/// </summary>
/// <remarks>
/// Every charging request waits for the writer's commit, and on two cores the writer competed for the CPU with the very
/// requests it was to answer: under the charging load a commit took 1.65–2.04 ms on average at nice -10 (most runs ~1.7)
/// against 1.87–2.40 ms (most ~2.1) at the process's priority; the request rate moved within the machine's noise
/// (bench/README, 2026-11-29 session 19). Linux keeps a nice value per thread (<c>setpriority(PRIO_PROCESS, tid)</c>,
/// man 2 setpriority); a value below 0 needs <c>CAP_SYS_NICE</c> or an <c>RLIMIT_NICE</c> that allows it, otherwise the
/// thread keeps its priority and the storage says so in its log.
/// </remarks>
internal static class StorageThreads
{
    private const int PrioProcess = 0;
    private const int Eperm = 1;
    private const int Eacces = 13;

    /// <summary>Runs <paramref name="loop"/> on a background thread of its own named <paramref name="name"/> (Linux shows 15 characters).</summary>
    public static Task Start(string name, Action loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                done.SetResult();
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>The calling thread's id in the operating system (Linux), or null elsewhere (or when the C library has no <c>gettid</c>).</summary>
    public static int? CurrentThreadId()
    {
        try
        {
            return OperatingSystem.IsLinux() ? gettid() : null;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Gives the calling thread the nice value <paramref name="nice"/> (-20 highest priority … 19 lowest). Null when it
    /// was set; otherwise why not.
    /// </summary>
    public static string? TrySetNice(int nice)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "thread priorities are set on Linux only";
        }

        if (CurrentThreadId() is not { } thread)
        {
            return "the C library offers no gettid";
        }

        try
        {
            if (setpriority(PrioProcess, thread, nice) == 0)
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"the C library offers no setpriority ({exception.GetType().Name})";
        }

        var error = Marshal.GetLastPInvokeError();
        return error is Eperm or Eacces
            ? "raising a thread's priority needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (e.g. systemd LimitNICE=, docker --cap-add SYS_NICE)"
            : $"setpriority failed with errno {error}";
    }

    // Blittable signatures: no marshalling code to generate (LibraryImport would need unsafe blocks in this project).
#pragma warning disable SYSLIB1054
    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
#pragma warning restore SYSLIB1054
}
