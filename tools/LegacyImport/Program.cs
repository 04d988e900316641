using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

// The legacy import's command line: a client of the import job API (POST /admin/legacy/importJobs, then GET the job
// until it finishes), never a second writer on the database. See tools/LegacyImport/README.md.
var options = Arguments.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("""
        usage: dotnet run --project tools/LegacyImport -- [--server http://127.0.0.1:5080] [--file export.csv] [--batch-size 1000] [--job <id>] [--errors]
          authorization: DIALTONE_TOKEN (a bearer token with the admin scope), or --dev-admin against a server with Dialtone:Auth:DevelopmentScheme
          --file       upload an export instead of reading the legacy system's (Dialtone:Legacy:BaseUrl)
          --job        follow (or, with --errors, report on) an existing job instead of starting one
        """);
    return 2;
}

using var http = new HttpClient { BaseAddress = new Uri(options.Server), Timeout = TimeSpan.FromMinutes(10) };
http.DefaultRequestHeaders.Authorization = options.DevAdmin
    ? new AuthenticationHeaderValue("Dev", "legacy-import-cli:admin")
    : Environment.GetEnvironmentVariable("DIALTONE_TOKEN") is { Length: > 0 } token ? new AuthenticationHeaderValue("Bearer", token) : null;

var jobId = options.Job;
if (jobId is null)
{
    HttpContent content;
    if (options.File is not null)
    {
        content = new StreamContent(File.OpenRead(options.File));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
    }
    else
    {
        var body = new JsonObject { ["source"] = "legacySystem" };
        if (options.BatchSize is { } size)
        {
            body["batchSize"] = size;
        }

        content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    var path = "/admin/legacy/importJobs" + (options.File is not null && options.BatchSize is { } batch ? $"?batchSize={batch}" : "");
    using var started = await http.PostAsync(path, content);
    var answer = await started.Content.ReadAsStringAsync();
    if (!started.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"{(int)started.StatusCode}: {answer}");
        return 1;
    }

    jobId = JsonNode.Parse(answer)!["id"]!.GetValue<string>();
    Console.WriteLine($"import job {jobId} started");
}

if (options.Errors)
{
    Console.WriteLine("row\tcustomer\tfield\tseverity\treason\tvalue");
    foreach (var row in JsonNode.Parse(await http.GetStringAsync($"/admin/legacy/importJobs/{jobId}/errors?limit=5000"))!.AsArray())
    {
        Console.WriteLine($"{row!["rowNumber"]}\t{row["legacyCustomerId"]}\t{row["field"]}\t{row["severity"]}\t{row["reason"]}\t{row["value"]}");
    }

    return 0;
}

while (true)
{
    var job = JsonNode.Parse(await http.GetStringAsync($"/admin/legacy/importJobs/{jobId}"))!;
    var state = job["state"]!.GetValue<string>();
    var total = job["rowsTotal"]!.GetValue<long>();
    var done = job["rowsRead"]!.GetValue<long>();
    var eta = job["etaSeconds"] is { } e ? $"{e.GetValue<double>().ToString("0", CultureInfo.InvariantCulture)} s" : "?";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{state,-9} rows {done,7}/{total,-7} {job["rowsPerSecond"],8} rows/s  customers {job["customersImported"]}/{job["customersTotal"]}  lines {job["lines"]?["imported"]}/{job["lines"]?["total"]}  rejected {job["rejected"]}  merged {job["duplicatesMerged"]}  ETA {eta}"));
    if (state is "completed" or "failed")
    {
        if (job["failure"] is { } failure)
        {
            Console.Error.WriteLine(failure.GetValue<string>());
        }

        Console.WriteLine($"error report: dotnet run --project tools/LegacyImport -- --job {jobId} --errors");
        return state == "completed" ? 0 : 1;
    }

    await Task.Delay(TimeSpan.FromSeconds(1));
}

internal sealed record Arguments(string Server, string? File, int? BatchSize, string? Job, bool Errors, bool DevAdmin)
{
    public static Arguments? Parse(string[] args)
    {
        var server = "http://127.0.0.1:5080/";
        string? file = null, job = null;
        int? batch = null;
        bool errors = false, dev = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--server" when i + 1 < args.Length: server = args[++i]; break;
                case "--file" when i + 1 < args.Length: file = args[++i]; break;
                case "--job" when i + 1 < args.Length: job = args[++i]; break;
                case "--batch-size" when i + 1 < args.Length && int.TryParse(args[i + 1], out var size): batch = size; i++; break;
                case "--errors": errors = true; break;
                case "--dev-admin": dev = true; break;
                default: return null;
            }
        }

        return errors && job is null ? null : new Arguments(server, file, batch, job, errors, dev);
    }
}
