using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Dialtone.Bench.Charging;

/// <summary>
/// Closed-loop Nchf load over h2c: <see cref="BenchOptions.Concurrency"/> virtual SMF sessions, each with one request
/// outstanding: create (a distinct chargingId), <see cref="BenchOptions.Updates"/> updates (used units at most the last
/// grant, more asked for, invocationSequenceNumber and localSequenceNumber counting up), release; then a new session
/// for the next subscriber, round-robin. Only requests that start inside the measured window are recorded; sessions
/// open when it ends are released, unrecorded.
/// </summary>
internal sealed class ChargingLoad(BenchOptions options, IReadOnlyList<string> imsis, TextWriter output)
{
    private const string Api = "nchf-convergedcharging/v3/chargingdata";
    private static readonly Uri CreatePath = new(Api, UriKind.Relative);

    private readonly BenchOptions options = options;
    private readonly IReadOnlyList<string> imsis = imsis;

    // Every run is its own SMF (nFName): a create is recognised by nFName + chargingId, so ids never repeat across runs.
    private readonly string nfName = Guid.NewGuid().ToString();
    private long nextChargingId;
    private long subscriberCursor = -1;
    private long measureStart;
    private long end;

    public async Task<int> RunAsync()
    {
        using var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = TimeSpan.FromMinutes(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        using var client = new HttpClient(handler, disposeHandler: false)
        {
            BaseAddress = options.Url,
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        await output.WriteLineAsync($"url             {options.Url} (HTTP/2 cleartext, prior knowledge; SMF nFName {nfName})");
        await output.WriteLineAsync($"subscribers     {imsis.Count} (imsi-{imsis[0]} … imsi-{imsis[^1]})");
        if (options.ReadyTimeoutSeconds > 0 && !await AllReadyAsync(client))
        {
            return 1;
        }

        if (options.PrepareOnly)
        {
            return 0;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"load            {options.Concurrency} sessions in flight, closed loop; each create + {options.Updates} updates + release, {options.RequestOctets:N0} octets asked each time; {options.WarmupSeconds:0.#} s warm-up, then {options.DurationSeconds:0.#} s measured"));

        using var probe = new ServerProbe(options.MetricsUrl, options.ServerPid);
        var frequency = Stopwatch.Frequency;
        var begin = Stopwatch.GetTimestamp();
        measureStart = begin + (long)(options.WarmupSeconds * frequency);
        end = measureStart + (long)(options.DurationSeconds * frequency);
        var workers = Enumerable.Range(0, options.Concurrency).Select(i => new Worker(this, client, new Random(i + 1))).ToArray();
        var tasks = workers.Select(worker => Task.Run(worker.RunAsync)).ToArray();

        var untilMeasuring = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureStart);
        if (untilMeasuring > TimeSpan.Zero)
        {
            await Task.Delay(untilMeasuring);
        }

        using var self = Process.GetCurrentProcess();
        var cpuAtStart = self.TotalProcessorTime;
        var before = await probe.SampleAsync();
        var untilEnd = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
        if (untilEnd > TimeSpan.Zero)
        {
            await Task.Delay(untilEnd);
        }

        var after = await probe.SampleAsync();
        self.Refresh();
        var generatorCores = (self.TotalProcessorTime - cpuAtStart).TotalSeconds / options.DurationSeconds;
        await Task.WhenAll(tasks);
        return await ReportAsync(workers, before, after, generatorCores);
    }

    /// <summary>Every subscriber's account answers a create (201), then that session is released: demo lines open in the background.</summary>
    private async Task<bool> AllReadyAsync(HttpClient client)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(options.ReadyTimeoutSeconds);
        var failures = new List<string>();
        var cursor = -1;
        async Task CheckAsync()
        {
            using var requests = new SmfRequests(nfName);
            int index;
            while ((index = Interlocked.Increment(ref cursor)) < imsis.Count)
            {
                var imsi = imsis[index];
                while (true)
                {
                    var chargingId = Interlocked.Increment(ref nextChargingId);
                    var (status, reference, _, body) = await PostAsync(client, CreatePath, requests.Write(imsi, chargingId, 1, 1000, null, 0));
                    if (status == 201 && reference is not null)
                    {
                        var release = await PostAsync(client, ReleasePath(reference), requests.Write(null, chargingId, 2, null, 0, 1));
                        if (release.Status != 204)
                        {
                            lock (failures)
                            {
                                failures.Add($"imsi-{imsi}: release answered {release.Status}: {release.Body}");
                            }
                        }

                        break;
                    }

                    if (status != 404 || DateTime.UtcNow > deadline)
                    {
                        lock (failures)
                        {
                            failures.Add($"imsi-{imsi}: create answered {status}: {body}");
                        }

                        break;
                    }

                    await Task.Delay(250);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(16, imsis.Count)).Select(_ => Task.Run(CheckAsync)));
        if (failures.Count > 0)
        {
            await output.WriteLineAsync($"ready           NO: {failures.Count} of {imsis.Count} subscribers did not answer a create with 201 within {options.ReadyTimeoutSeconds:0} s; first: {failures[0]}");
            return false;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ready           every subscriber answers a create (201) and its release (204) ({Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s)"));
        return true;
    }

    private static Uri UpdatePath(string reference) => new($"{Api}/{reference}/update", UriKind.Relative);

    private static Uri ReleasePath(string reference) => new($"{Api}/{reference}/release", UriKind.Relative);

    /// <summary>One POST: status (0 for a transport failure or timeout), the ChargingDataRef of a 201, the grant of a 200/201, and the body of anything else.</summary>
    private static async Task<(int Status, string? Reference, long Grant, string? Body)> PostAsync(HttpClient client, Uri path, byte[] body)
    {
        try
        {
            // A message made by hand does not take the client's DefaultRequestVersion (only GetAsync/PostAsync apply it).
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new ByteArrayContent(body),
                Version = client.DefaultRequestVersion,
                VersionPolicy = client.DefaultVersionPolicy,
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            return status switch
            {
                201 => (status, response.Headers.Location?.OriginalString.Split('/')[^1], SmfRequests.GrantOf(bytes), null),
                200 => (status, null, SmfRequests.GrantOf(bytes), null),
                204 => (status, null, 0, null),
                _ => (status, null, 0, Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 400)))),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, null, 0, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<int> ReportAsync(Worker[] workers, ServerProbe.Sample before, ServerProbe.Sample after, double generatorCores)
    {
        var latencies = Enum.GetValues<Kind>().ToDictionary(kind => kind, _ => new Latencies());
        var all = new Latencies();
        var statuses = new SortedDictionary<(Kind, int), long>();
        var samples = new SortedDictionary<(Kind, int), string>();
        long sessions = 0;
        long lastCompletion = measureStart;
        foreach (var worker in workers)
        {
            foreach (var (kind, values) in worker.Latencies)
            {
                latencies[kind].Add(values);
                all.Add(values);
            }

            foreach (var (key, count) in worker.Statuses)
            {
                statuses[key] = statuses.GetValueOrDefault(key) + count;
            }

            foreach (var (key, body) in worker.Samples)
            {
                samples.TryAdd(key, body);
            }

            sessions += worker.CompletedSessions;
            lastCompletion = Math.Max(lastCompletion, worker.LastCompletion);
        }

        var elapsed = Stopwatch.GetElapsedTime(measureStart, Math.Max(lastCompletion, end)).TotalSeconds;
        var errors = statuses.Where(s => s.Key.Item2 != Expected(s.Key.Item1)).Sum(s => s.Value);
        var updates = latencies[Kind.Update].Count;
        static string Ms(long micros) => (micros / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);
        string Line(Latencies l) => string.Create(CultureInfo.InvariantCulture,
            $"p50 {Ms(l.Percentile(50))}  p90 {Ms(l.Percentile(90))}  p99 {Ms(l.Percentile(99))}  p99.9 {Ms(l.Percentile(99.9))}  max {Ms(l.Max)}  mean {l.Mean / 1000:0.00}  ({l.Count})");

        var report = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"measured        {elapsed:0.00} s: {all.Count} requests ({latencies[Kind.Create].Count} creates, {updates} updates, {latencies[Kind.Release].Count} releases), {sessions} sessions released"),
            string.Create(CultureInfo.InvariantCulture, $"requests/s      {all.Count / elapsed:0} charging requests/s (all three kinds; each is a durable write), {updates / elapsed:0} updates/s"),
            "latency ms      all      " + Line(all),
            "                create   " + Line(latencies[Kind.Create]),
            "                update   " + Line(latencies[Kind.Update]),
            "                release  " + Line(latencies[Kind.Release]),
            "status codes    " + string.Join("  ", statuses.Select(s => $"{s.Key.Item1.ToString().ToLowerInvariant()} {(s.Key.Item2 == 0 ? "transport" : s.Key.Item2.ToString(CultureInfo.InvariantCulture))}: {s.Value}")),
            $"errors          {errors} (status other than 201 / 200 / 204, or no answer)",
        };
        report.AddRange(samples.Select(s => $"  first {s.Key.Item1.ToString().ToLowerInvariant()} {s.Key.Item2}: {s.Value}"));
        report.AddRange(before.Report(after, options.DurationSeconds, generatorCores, all.Count));
        report.Add(string.Create(CultureInfo.InvariantCulture,
            $"RESULT tool=dialtone-bench-charging concurrency={options.Concurrency} subscribers={imsis.Count} updates_per_session={options.Updates} seconds={elapsed:0.0} requests={all.Count} rps={all.Count / elapsed:0} updates_per_s={updates / elapsed:0} p50_ms={Ms(all.Percentile(50))} p99_ms={Ms(all.Percentile(99))} p999_ms={Ms(all.Percentile(99.9))} max_ms={Ms(all.Max)} update_p99_ms={Ms(latencies[Kind.Update].Percentile(99))} errors={errors} outbox_growth_per_s={before.OutboxGrowth(after, options.DurationSeconds)?.ToString("0", CultureInfo.InvariantCulture) ?? "?"}"));
        foreach (var line in report)
        {
            await output.WriteLineAsync(line);
        }

        return errors == 0 ? 0 : 1;
    }

    private static int Expected(Kind kind) => kind switch
    {
        Kind.Create => 201,
        Kind.Update => 200,
        _ => 204,
    };

    private enum Kind
    {
        Create,
        Update,
        Release,
    }

    /// <summary>One virtual SMF session after another, one request outstanding; its own records, merged at the end.</summary>
    private sealed class Worker(ChargingLoad load, HttpClient client, Random random)
    {
        public Dictionary<Kind, Latencies> Latencies { get; } = Enum.GetValues<Kind>().ToDictionary(kind => kind, _ => new Latencies());

        public Dictionary<(Kind, int), long> Statuses { get; } = [];

        public Dictionary<(Kind, int), string> Samples { get; } = [];

        public long CompletedSessions { get; private set; }

        public long LastCompletion { get; private set; }

        public async Task RunAsync()
        {
            using var requests = new SmfRequests(load.nfName);
            var options = load.options;
            while (Stopwatch.GetTimestamp() < load.end)
            {
                var imsi = load.imsis[(int)((ulong)Interlocked.Increment(ref load.subscriberCursor) % (ulong)load.imsis.Count)];
                var chargingId = Interlocked.Increment(ref load.nextChargingId);
                long sequence = 1;
                long local = 0;
                var created = await SendAsync(Kind.Create, CreatePath, requests.Write(imsi, chargingId, sequence, options.RequestOctets, null, 0));
                if (created.Status != 201 || created.Reference is not { } reference)
                {
                    continue;
                }

                var granted = created.Grant;
                for (var u = 0; u < options.Updates && Stopwatch.GetTimestamp() < load.end; u++)
                {
                    var used = Used(granted);
                    var update = await SendAsync(Kind.Update, UpdatePath(reference), requests.Write(null, chargingId, ++sequence, options.RequestOctets, used, ++local));
                    if (update.Status != 200)
                    {
                        break;
                    }

                    granted = update.Grant;
                }

                // The release also ends sessions still open when the measured window closes (unrecorded then).
                var now = Stopwatch.GetTimestamp();
                var measured = now >= load.measureStart && now < load.end;
                var released = await SendAsync(Kind.Release, ReleasePath(reference), requests.Write(null, chargingId, ++sequence, null, Used(granted), ++local));
                if (released.Status == 204 && measured)
                {
                    CompletedSessions++;
                }
            }
        }

        /// <summary>Used units between half the grant and all of it (never more than granted).</summary>
        private long Used(long granted) => granted <= 0 ? 0 : random.NextInt64(granted / 2, granted + 1);

        private async Task<(int Status, string? Reference, long Grant)> SendAsync(Kind kind, Uri path, byte[] body)
        {
            var start = Stopwatch.GetTimestamp();
            var (status, reference, grant, failure) = await PostAsync(client, path, body);
            var stop = Stopwatch.GetTimestamp();
            if (start >= load.measureStart && start < load.end)
            {
                Latencies[kind].Record(Stopwatch.GetElapsedTime(start, stop).Ticks / 10);
                Statuses[(kind, status)] = Statuses.GetValueOrDefault((kind, status)) + 1;
                if (status != Expected(kind) && failure is not null)
                {
                    Samples.TryAdd((kind, status), failure);
                }

                LastCompletion = stop;
            }

            return (status, reference, grant);
        }
    }
}
