using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dialtone.Bench.Load;

// Closed-loop load generator: N workers, each with one request in flight at a time, for a fixed time.
// Usage: Dialtone.Bench.Load <baseUrl> <get-by-id|list-filtered|create|bare-json> <durationSeconds> <concurrency>
//        Dialtone.Bench.Load <baseUrl> orders <orderCount> <concurrency>
//        [--warmup <seconds>] [--write-ids <file>] [--prepare-only]
const string Usage = "usage: Dialtone.Bench.Load <baseUrl> <get-by-id|list-filtered|create|bare-json> <durationSeconds> <concurrency> [--warmup <seconds>] [--write-ids <file>] [--prepare-only]";

var positional = new List<string>();
var warmupSeconds = 5.0;
string? writeIds = null;
var prepareOnly = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--warmup" when i + 1 < args.Length:
            warmupSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--write-ids" when i + 1 < args.Length:
            writeIds = args[++i];
            break;
        case "--prepare-only":
            prepareOnly = true;
            break;
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        default:
            positional.Add(args[i]);
            break;
    }
}

if (positional.Count != 4)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var baseUri = new Uri(positional[0].TrimEnd('/') + "/");
var durationSeconds = double.Parse(positional[2], CultureInfo.InvariantCulture);
var concurrency = int.Parse(positional[3], CultureInfo.InvariantCulture);
if (positional[1] == "orders")
{
    // Order throughput: the third argument is the number of orders, not seconds (see OrderThroughput).
    using var ordersClient = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    return await OrderThroughput.RunAsync(ordersClient, baseUri, (int)durationSeconds, concurrency, Console.Out);
}

var scenario = Scenario.Create(positional[1], baseUri);

using var handler = new SocketsHttpHandler
{
    PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
    MaxConnectionsPerServer = concurrency,
    ConnectTimeout = TimeSpan.FromSeconds(10),
    AutomaticDecompression = DecompressionMethods.None,
    AllowAutoRedirect = false,
    UseCookies = false,
    UseProxy = false,
};
using var client = new HttpClient(handler, disposeHandler: false)
{
    Timeout = TimeSpan.FromSeconds(30),
    DefaultRequestVersion = HttpVersion.Version11,
    DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
};

var output = Console.Out;
await output.WriteLineAsync($"scenario        {scenario.Name}");
await output.WriteLineAsync($"base url        {baseUri}");
using var prepareTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await scenario.PrepareAsync(client, output, prepareTimeout.Token);
if (writeIds is not null)
{
    await File.WriteAllLinesAsync(writeIds, scenario.PreparedItems);
}

if (prepareOnly)
{
    return 0;
}

await output.WriteLineAsync($"concurrency     {concurrency} connections, closed loop, {warmupSeconds:0.#} s warm-up then {durationSeconds:0.#} s measured");

var frequency = Stopwatch.Frequency;
var begin = Stopwatch.GetTimestamp();
var measureStart = begin + (long)(warmupSeconds * frequency);
var end = measureStart + (long)(durationSeconds * frequency);
var workers = new Worker[concurrency];
for (var w = 0; w < concurrency; w++)
{
    workers[w] = new Worker(w, client, scenario, measureStart, end);
}

var tasks = workers.Select(worker => Task.Run(worker.RunAsync)).ToArray();

// CPU the generator itself burns while measuring: on a shared 2-core machine that is CPU the server did not get.
var process = Process.GetCurrentProcess();
var untilMeasuring = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureStart);
if (untilMeasuring > TimeSpan.Zero)
{
    await Task.Delay(untilMeasuring);
}

process.Refresh();
var cpuAtStart = process.TotalProcessorTime;
await Task.WhenAll(tasks);
var finished = Stopwatch.GetTimestamp();
process.Refresh();
var cpuUsed = process.TotalProcessorTime - cpuAtStart;

var histogram = new LatencyHistogram();
var statuses = new SortedDictionary<int, long>();
long transportErrors = 0;
long bytes = 0;
foreach (var worker in workers)
{
    histogram.Add(worker.Latencies);
    transportErrors += worker.TransportErrors;
    bytes += worker.Bytes;
    for (var code = 0; code < worker.StatusCounts.Length; code++)
    {
        if (worker.StatusCounts[code] > 0)
        {
            statuses[code] = statuses.GetValueOrDefault(code) + worker.StatusCounts[code];
        }
    }
}

var elapsed = Stopwatch.GetElapsedTime(measureStart, finished).TotalSeconds;
var rps = histogram.Count / elapsed;
var non2xx = statuses.Where(s => s.Key is < 200 or > 299).Sum(s => s.Value) + transportErrors;
static string Ms(long micros) => (micros / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);

await output.WriteLineAsync($"measured        {elapsed:0.00} s, {histogram.Count} requests, {bytes / elapsed / 1024 / 1024:0.0} MiB/s of bodies");
await output.WriteLineAsync($"requests/s      {rps:0}");
await output.WriteLineAsync($"latency ms      mean {histogram.Mean / 1000:0.00}  p50 {Ms(histogram.ValueAtPercentile(50))}  p90 {Ms(histogram.ValueAtPercentile(90))}  p99 {Ms(histogram.ValueAtPercentile(99))}  p99.9 {Ms(histogram.ValueAtPercentile(99.9))}  max {Ms(histogram.Max)}");
await output.WriteLineAsync($"status codes    {string.Join("  ", statuses.Select(s => $"{s.Key}: {s.Value}"))}");
await output.WriteLineAsync($"non-2xx         {non2xx} (of which transport errors/timeouts {transportErrors})");
await output.WriteLineAsync($"generator cpu   {cpuUsed.TotalSeconds / elapsed * 100:0}% of one core ({Environment.ProcessorCount} cores on this machine)");
await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
    $"RESULT tool=dotnet scenario={scenario.Name} concurrency={concurrency} seconds={elapsed:0.0} requests={histogram.Count} rps={rps:0} p50_ms={Ms(histogram.ValueAtPercentile(50))} p90_ms={Ms(histogram.ValueAtPercentile(90))} p99_ms={Ms(histogram.ValueAtPercentile(99))} max_ms={Ms(histogram.Max)} non2xx={non2xx} client_cpu_pct={cpuUsed.TotalSeconds / elapsed * 100:0}"));
return non2xx == 0 ? 0 : 1;

/// <summary>One connection's worth of closed-loop load: send, read the whole body, record, repeat until the end.</summary>
internal sealed class Worker(int index, HttpClient client, Scenario scenario, long measureStart, long end)
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    public LatencyHistogram Latencies { get; } = new();

    /// <summary>Responses by status code (index); 0 is unused, transport failures are counted apart.</summary>
    public long[] StatusCounts { get; } = new long[600];

    public long TransportErrors { get; private set; }

    public long Bytes { get; private set; }

    public async Task RunAsync()
    {
        long sequence = 0;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= end)
            {
                return;
            }

            var status = 0;
            long read = 0;
            using (var request = scenario.CreateRequest(index, sequence++))
            {
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    await using var stream = await response.Content.ReadAsStreamAsync();
                    int n;
                    while ((n = await stream.ReadAsync(_buffer)) > 0)
                    {
                        read += n;
                    }

                    status = (int)response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = 0;
                }
            }

            var stop = Stopwatch.GetTimestamp();
            if (start < measureStart)
            {
                continue;
            }

            Latencies.Record(Stopwatch.GetElapsedTime(start, stop).Ticks / 10);
            Bytes += read;
            if (status is > 0 and < 600)
            {
                StatusCounts[status]++;
            }
            else
            {
                TransportErrors++;
            }
        }
    }
}
