using System.Globalization;

namespace Dialtone.Bench.Charging;

/// <summary>
/// What the server and the machine did over the measured seconds, read cheaply around them: the storage's histograms on
/// the server's Prometheus endpoint (batch sizes, commit times, the grain outbox's depth), the server's CPU time and the whole machine's busy time
/// from <c>/proc</c>, and the load average.
/// </summary>
internal sealed class ServerProbe(Uri? metricsUrl, int? serverPid) : IDisposable
{
    public const string BatchSize = "dialtone_charging_storage_batch_size";
    public const string CommitDuration = "dialtone_charging_storage_commit_duration_seconds";
    public const string QueueWait = "dialtone_charging_storage_queue_wait_seconds";
    public const string WriteDuration = "dialtone_charging_storage_write_duration_seconds";
    public const string OutboxDepth = "dialtone_charging_outbox_depth";
    public const string Relayed = "dialtone_charging_outbox_relayed";

    /// <summary>The runtime's count of bytes allocated on the managed heap (the System.Runtime meter, <c>dotnet.gc.heap.total_allocated</c>).</summary>
    public const string Allocated = "dotnet_gc_heap_total_allocated_bytes";

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<Sample> SampleAsync()
    {
        Dictionary<string, double>? metrics = null;
        if (metricsUrl is not null)
        {
            try
            {
                metrics = Parse(await http.GetStringAsync(metricsUrl));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"metrics: {e.Message}");
            }
        }

        return new Sample(metrics, ProcessTicks(serverPid), MachineBusyTicks(), LoadAverage());
    }

    public void Dispose() => http.Dispose();

    /// <summary>Sums every series of a metric by name (and <c>le</c> for buckets): <c>name</c>, <c>name_sum</c>, <c>name_bucket|le</c>.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#'
                || !(line.StartsWith("dialtone_charging_", StringComparison.Ordinal) || line.StartsWith(Allocated, StringComparison.Ordinal)))
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.LastIndexOf('}');
            var name = brace < 0 ? line[..line.IndexOf(' ', StringComparison.Ordinal)] : line[..brace];
            var rest = (close < 0 ? line[name.Length..] : line[(close + 1)..]).Trim().Split(' ')[0];
            if (!double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var key = name;
            if (brace >= 0 && close > brace)
            {
                var labels = line[(brace + 1)..close];
                var le = labels.IndexOf("le=\"", StringComparison.Ordinal);
                if (le >= 0)
                {
                    var start = le + 4;
                    key = name + "|" + labels[start..labels.IndexOf('"', start)];
                }
            }

            values[key] = values.GetValueOrDefault(key) + value;
        }

        return values;
    }

    private static long? ProcessTicks(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields after the command (which may hold spaces): state is field 3, utime 14, stime 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static long? MachineBusyTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        // cpu  user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return fields.Take(8).Sum() - fields[3] - fields[4];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>One reading; <see cref="Report"/> tells the difference between two.</summary>
    internal sealed record Sample(Dictionary<string, double>? Metrics, long? ServerTicks, long? MachineTicks, string LoadAverage)
    {
        private const double TicksPerSecond = 100; // USER_HZ

        public IEnumerable<string> Report(Sample later, double seconds, double generatorCores, long requests)
        {
            yield return $"load average    {LoadAverage} before, {later.LoadAverage} after (1, 5, 15 min; {Environment.ProcessorCount} cores)";
            double? server = ServerTicks is { } s && later.ServerTicks is { } s2 ? (s2 - s) / TicksPerSecond / seconds : null;
            double? machine = MachineTicks is { } m && later.MachineTicks is { } m2 ? (m2 - m) / TicksPerSecond / seconds : null;
            var line = $"cores busy      generator {generatorCores:0.00}";
            if (server is { } serverCores)
            {
                line += $", server {serverCores:0.00}";
            }

            if (machine is { } machineCores)
            {
                line += $", whole machine {machineCores:0.00}";
                if (server is { } serverCores2)
                {
                    line += $" (other processes {Math.Max(0, machineCores - serverCores2 - generatorCores):0.00})";
                }
            }

            yield return line;
            if (Metrics is null || later.Metrics is null)
            {
                yield break;
            }

            double Delta(string key) => later.Metrics.GetValueOrDefault(key) - Metrics.GetValueOrDefault(key);
            if (requests > 0)
            {
                // What a request costs the server, steadier than the rate on a machine whose speed varies from run to run:
                // its CPU time (the relay's, the writer's and the collector's included) and the bytes it allocated.
                var allocated = Metrics.Keys.FirstOrDefault(key => key.StartsWith(Allocated, StringComparison.Ordinal)) is { } name ? Delta(name) : 0;
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"per request     {(server is { } cores ? $"{cores * seconds / requests * 1e6:0} µs of server CPU, " : "")}{allocated / requests / 1024:0.0} KB allocated by the server");
            }

            var commits = Delta(BatchSize + "_count");
            var writes = Delta(BatchSize + "_sum");
            if (commits <= 0)
            {
                yield return "storage         no commits seen on the metrics endpoint";
                yield break;
            }

            var commitSeconds = Delta(CommitDuration + "_sum");
            yield return $"storage         {commits / seconds:0} commits/s holding {writes / seconds:0} writes/s: {writes / commits:0.0} writes per commit on average, "
                         + $"commit {commitSeconds / commits * 1000:0.00} ms on average ({commitSeconds / seconds:0.00} s of commit per second)";
            var durableWrites = Delta(WriteDuration + "_count");
            if (durableWrites > 0)
            {
                // A write waits for the commit before its own, then its own, then for a thread to run its grain again.
                var queued = Delta(QueueWait + "_sum") / Math.Max(1, Delta(QueueWait + "_count")) * 1000;
                var whole = Delta(WriteDuration + "_sum") / durableWrites * 1000;
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"durable write   {whole:0.00} ms on average from queued to the grain running again: {queued:0.00} ms queued behind the commit before, the rest its batch's commit and the wake-up");
                yield return "write times     " + Buckets(WriteDuration, durableWrites, Delta, bound => (bound * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms");
            }

            yield return "batch sizes     " + Buckets(BatchSize, commits, Delta, bound => bound.ToString("0", CultureInfo.InvariantCulture));
            yield return "commit times    " + Buckets(CommitDuration, commits, Delta, bound => (bound * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms");
            if (OutboxGrowth(later, seconds) is { } growth)
            {
                // Usage records and notifications wait in the grain outbox until the relay has written them to the main
                // database: a rate whose outbox grows is not sustained (the relay's work is deferred, not done).
                var relayed = later.Sum(Relayed) - Sum(Relayed);
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"grain outbox    {Sum(OutboxDepth):0} entries waiting before, {later.Sum(OutboxDepth):0} after ({growth:+0;-0;0}/s); {relayed / seconds:0} relayed/s: ")
                    // Up to a relay batch (500) waits between two passes whatever the rate: more growth than that is a backlog.
                    + (growth * seconds > 500 ? "the relay fell behind, so this rate is not sustained" : "the relay kept up");
            }
        }

        /// <summary>How many entries a second the grain outbox gained over the run (negative: the relay caught up); null without metrics.</summary>
        public double? OutboxGrowth(Sample later, double seconds) =>
            Metrics is null || later.Metrics is null || !later.Metrics.Keys.Any(key => key.StartsWith(OutboxDepth, StringComparison.Ordinal))
                ? null
                : (later.Sum(OutboxDepth) - Sum(OutboxDepth)) / seconds;

        private double Sum(string prefix) =>
            Metrics?.Where(metric => metric.Key.StartsWith(prefix, StringComparison.Ordinal) && !metric.Key.Contains('|', StringComparison.Ordinal)).Sum(metric => metric.Value) ?? 0;

        private string Buckets(string metric, double total, Func<string, double> delta, Func<double, string> format)
        {
            // Cumulative buckets: the share of commits at or below each bound, up to the first that holds them all.
            var bounds = Metrics!.Keys.Where(k => k.StartsWith(metric + "_bucket|", StringComparison.Ordinal))
                .Select(k => k[(k.IndexOf('|', StringComparison.Ordinal) + 1)..])
                .Where(b => b != "+Inf")
                .Select(b => (Text: b, Value: double.Parse(b, CultureInfo.InvariantCulture)))
                .OrderBy(b => b.Value)
                .ToList();
            var parts = new List<string>();
            foreach (var (text, bound) in bounds)
            {
                var at = delta($"{metric}_bucket|{text}");
                parts.Add($"≤{format(bound)}: {at / total * 100:0.#}%");
                if (at >= total)
                {
                    break;
                }
            }

            return string.Join("  ", parts);
        }
    }
}
