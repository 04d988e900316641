using System.Globalization;

namespace Dialtone.Bench.Charging;

/// <summary>The command line: <c>--name value</c> pairs, every one optional.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        usage: Dialtone.Bench.Charging [load options] | --ceiling sqlite [ceiling options]

        load (Nchf_ConvergedCharging v3 over h2c, closed loop):
          --url http://127.0.0.1:5081      the SBI port (HTTP/2 cleartext with prior knowledge, no token)
          --imsi-start 001010000000001     first IMSI of a sequence ...
          --subscribers 50                 ... of this many subscribers (SUPI imsi-<digits>)
          --imsi-file <file>               or: IMSIs one a line (the first --subscribers of them)
          --imsis-from <main url>          or: every line's IMSI from the product inventory (TMF637) of the main port
          --token "Dev bench:agent"        the Authorization header for --imsis-from
          --lines <n>                      with --imsis-from: wait until at least n lines are in the inventory
          --write-imsis <file>             with --imsis-from: write the IMSIs found
          --concurrency 64                 PDU sessions in flight (one request outstanding each)
          --updates 10                     updates per session between create and release
          --duration 20 --warmup 5         seconds measured, after seconds of the same load unmeasured
          --request-octets 1000000         requestedUnit.totalVolume of every create and update
          --ready-timeout 120              seconds to wait until every subscriber answers a create (0: don't check)
          --prepare-only                   stop after finding the subscribers and checking them
          --metrics-url <url>/metrics      the server's Prometheus endpoint: storage batch sizes and commit times
          --server-pid <pid>               the server's process: its CPU over the measured seconds

        ceiling (the charging grain store's durable writes, without the server):
          --ceiling sqlite
          --ceiling-dir <dir>              where the database file goes (same file system as the server's data)
          --ceiling-seconds 10             seconds measured per row count (after 2 s unmeasured)
          --ceiling-keys 1000              distinct rows (accounts) updated round-robin
          --payload-bytes 2048             bytes of each row's payload (the grain state's JSON)
          --rows-per-commit 1,100          one measurement per value
          --synchronous FULL               PRAGMA synchronous (the store's default: FULL)
          --sqlite-lib <path>              the SQLite library (default: libsqlite3.so.0; the server ships libe_sqlite3.so)
        """;

    public bool Help { get; private set; }

    public bool PrepareOnly { get; private set; }

    public Uri Url { get; private set; } = new("http://127.0.0.1:5081/");

    public string ImsiStart { get; private set; } = "001010000000001";

    public int Subscribers { get; private set; } = 50;

    public string? ImsiFile { get; private set; }

    public Uri? ImsisFrom { get; private set; }

    public string InventoryToken { get; private set; } = "Dev bench:agent";

    public int WaitForLines { get; private set; }

    public string? WriteImsis { get; private set; }

    public int Concurrency { get; private set; } = 64;

    public int Updates { get; private set; } = 10;

    public double DurationSeconds { get; private set; } = 20;

    public double WarmupSeconds { get; private set; } = 5;

    public long RequestOctets { get; private set; } = 1_000_000;

    public double ReadyTimeoutSeconds { get; private set; } = 120;

    public Uri? MetricsUrl { get; private set; }

    public int? ServerPid { get; private set; }

    public string? Ceiling { get; private set; }

    public string? CeilingDirectory { get; private set; }

    public double CeilingSeconds { get; private set; } = 10;

    public int CeilingKeys { get; private set; } = 1000;

    public int PayloadBytes { get; private set; } = 2048;

    public IReadOnlyList<int> RowsPerCommit { get; private set; } = [1, 100];

    public string Synchronous { get; private set; } = "FULL";

    public string? SqliteLibrary { get; private set; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                options.Help = true;
                continue;
            }

            if (name == "--prepare-only")
            {
                options.PrepareOnly = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--url": options.Url = BaseUri(value); break;
                case "--imsi-start": options.ImsiStart = Digits(name, value); break;
                case "--subscribers": options.Subscribers = Positive(name, value); break;
                case "--imsi-file": options.ImsiFile = value; break;
                case "--imsis-from": options.ImsisFrom = BaseUri(value); break;
                case "--token": options.InventoryToken = value; break;
                case "--lines": options.WaitForLines = Positive(name, value); break;
                case "--write-imsis": options.WriteImsis = value; break;
                case "--concurrency": options.Concurrency = Positive(name, value); break;
                case "--updates": options.Updates = NonNegative(name, value); break;
                case "--duration": options.DurationSeconds = Seconds(name, value); break;
                case "--warmup": options.WarmupSeconds = Seconds(name, value); break;
                case "--request-octets": options.RequestOctets = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--ready-timeout": options.ReadyTimeoutSeconds = Seconds(name, value); break;
                case "--metrics-url": options.MetricsUrl = new Uri(value); break;
                case "--server-pid": options.ServerPid = Positive(name, value); break;
                case "--ceiling": options.Ceiling = value; break;
                case "--ceiling-dir": options.CeilingDirectory = value; break;
                case "--ceiling-seconds": options.CeilingSeconds = Seconds(name, value); break;
                case "--ceiling-keys": options.CeilingKeys = Positive(name, value); break;
                case "--payload-bytes": options.PayloadBytes = Positive(name, value); break;
                case "--rows-per-commit": options.RowsPerCommit = [.. value.Split(',').Select(v => Positive(name, v.Trim()))]; break;
                case "--synchronous": options.Synchronous = value.ToUpperInvariant() is "OFF" or "NORMAL" or "FULL" or "EXTRA" ? value.ToUpperInvariant() : throw new ArgumentException($"{name}: OFF, NORMAL, FULL or EXTRA."); break;
                case "--sqlite-lib": options.SqliteLibrary = value; break;
                default: throw new ArgumentException($"Unknown option {name}.");
            }
        }

        return options;
    }

    private static Uri BaseUri(string value) => new(value.TrimEnd('/') + "/");

    private static string Digits(string name, string value) =>
        value.Length is > 0 and <= 15 && value.All(char.IsAsciiDigit) ? value : throw new ArgumentException($"{name}: an IMSI is up to 15 digits.");

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name}: a positive integer.");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name}: an integer, 0 or more.");

    private static double Seconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : throw new ArgumentException($"{name}: seconds, 0 or more.");
}
