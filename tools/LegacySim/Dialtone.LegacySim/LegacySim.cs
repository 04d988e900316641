using System.Globalization;
using System.Text.Json.Nodes;
using Dialtone.LegacySim.Data;
using Dialtone.LegacySim.Soap;
using Dialtone.Standins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dialtone.LegacySim;

/// <summary>
/// A stand-in for a classic system of record (an old CRM and billing system): its own SQLite database seeded with a
/// dirty customer base, a SOAP 1.1 API with record versions for optimistic concurrency and its own fault codes, a full
/// CSV export and a change feed since a watermark. It knows nothing of idempotency keys. Settings beyond the kit's:
/// <c>--customers</c> (50,000), <c>--seed</c> (1), <c>--seed-date</c> (2026-11-01), <c>--max-request-bytes</c> (65,536),
/// <c>--export-dir</c> (beside the data file). See tools/LegacySim/README.md.
/// </summary>
public static partial class LegacySim
{
    public const string ServicePath = "/legacy/CustomerService";

    public static async Task Main(string[] args)
    {
        var app = StandinHost.Build("legacy", args, Map, new StandinOptions
        {
            ReplayIdempotencyKeys = false,
            AnswerSimulatedError = context => SoapMessage.WriteFaultAsync(context.Response, LegacyFault.Busy()),
            Configure = builder => builder.Logging.AddFilter("Dialtone.LegacySim", LogLevel.Information),
        });
        await app.RunAsync();
    }

    private static void Map(WebApplication app, StandinStore store)
    {
        var settings = app.Configuration;
        var path = settings["data"] ?? Path.Combine("data", "legacy.db");
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Dialtone.LegacySim");
        var database = new LegacyDatabase(path);
        var (profile, took, seeded) = database.EnsureSeeded(
            int.Parse(settings["customers"] ?? "50000", CultureInfo.InvariantCulture),
            int.Parse(settings["seed"] ?? "1", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(settings["seed-date"] ?? "2026-11-01", "yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (seeded)
        {
            LogSeeded(logger, profile.Customers, profile.Accounts, profile.Subscriptions, profile.Bills, (long)took.TotalMilliseconds);
        }

        var records = new LegacyRecords(database, TimeProvider.System);
        var service = new CustomerService(records, store, logger, int.Parse(settings["max-request-bytes"] ?? "65536", CultureInfo.InvariantCulture));
        var exportDirectory = settings["export-dir"] ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "exports");

        app.MapPost(ServicePath, service.HandleAsync);

        app.MapGet("/admin/dataset", () =>
        {
            using var connection = database.Open();
            return Results.Ok(new { dataset = database.Dataset(), highWatermark = LegacyRecords.HighWatermark(connection, null) });
        });

        app.MapGet("/admin/export", async (HttpContext context) =>
        {
            var (connection, snapshot, watermark) = LegacyExport.Begin(database);
            await using (connection)
            await using (snapshot)
            {
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers["X-Legacy-Watermark"] = watermark.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers.ContentDisposition = "attachment; filename=\"customers.csv\"";
                await LegacyExport.WriteAsync(connection, snapshot, context.Response.Body, context.RequestAborted);
            }
        });

        app.MapPost("/admin/export", async (CancellationToken cancellationToken) =>
        {
            var (connection, snapshot, watermark) = LegacyExport.Begin(database);
            await using (connection)
            await using (snapshot)
            {
                Directory.CreateDirectory(exportDirectory);
                var file = Path.Combine(exportDirectory, $"customers-w{watermark}-{DateTime.UtcNow:yyyyMMddHHmmss}.csv");
                long rows, customers;
                await using (var output = File.Create(file))
                {
                    (rows, customers) = await LegacyExport.WriteAsync(connection, snapshot, output, cancellationToken);
                }

                return Results.Ok(new { file, rows, customers, watermark });
            }
        });

        app.MapPost("/admin/legacy-edits", async (HttpRequest request) =>
        {
            var body = await StandinHost.BodyAsync(request) ?? [];
            if (body["customerId"] is not null)
            {
                return TargetedEdit(records, body);
            }

            if (!TryWholeNumber(body, "count", out var asked) || asked is < 1 or > 10_000)
            {
                return StandinHost.Refuse(400, "BAD_REQUEST", "count is a whole number between 1 and 10000");
            }

            if (!TryWholeNumber(body, "seed", out var seed))
            {
                return StandinHost.Refuse(400, "BAD_REQUEST", "seed is a whole number (a 32-bit integer)");
            }

            var made = LegacyEdits.Make(records, asked ?? 10, seed is { } fixedSeed ? new Random(fixedSeed) : Random.Shared);
            using var connection = database.Open();
            return Results.Ok(new { changes = made, highWatermark = LegacyRecords.HighWatermark(connection, null) });
        });

        app.MapPut("/admin/locks/{customerId}", (string customerId) =>
        {
            records.Lock(customerId);
            return Results.NoContent();
        });

        app.MapDelete("/admin/locks/{customerId}", (string customerId) =>
        {
            records.Unlock(customerId);
            return Results.NoContent();
        });
    }

    /// <summary><c>{"customerId", "field", "value"}</c>: one field of one customer changed by a legacy agent; answers the new version.</summary>
    private static IResult TargetedEdit(LegacyRecords records, JsonObject body)
    {
        if (body["customerId"] is not JsonValue id || !id.TryGetValue<string>(out var customerId) || customerId.Length is 0 or > 32
            || body["field"] is not JsonValue f || !f.TryGetValue<string>(out var field) || !LegacyEdits.Fields.Contains(field)
            || body["value"] is not JsonValue v || !v.TryGetValue<string>(out var value) || value.Length > 200)
        {
            return StandinHost.Refuse(400, "BAD_REQUEST", $"customerId (a string), field ({string.Join(", ", LegacyEdits.Fields)}) and value (a string of at most 200 characters)");
        }

        try
        {
            return Results.Ok(new { customerId, field, version = LegacyEdits.MakeOne(records, customerId, field, value) });
        }
        catch (LegacyFault fault)
        {
            return StandinHost.Refuse(fault.Name == "RECORD_NOT_FOUND" ? 404 : 409, fault.Name, fault.Message);
        }
    }

    /// <summary>Reads an optional integer of an admin body: absent or null is null; anything but a 32-bit integer is refused.</summary>
    private static bool TryWholeNumber(JsonObject body, string name, out int? value)
    {
        value = null;
        switch (body[name])
        {
            case null:
                return true;
            case JsonValue number when number.GetValueKind() == System.Text.Json.JsonValueKind.Number && number.TryGetValue<int>(out var whole):
                value = whole;
                return true;
            default:
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Customers} customers, {Accounts} accounts, {Subscriptions} subscriptions, {Bills} bills in {Milliseconds} ms")]
    private static partial void LogSeeded(ILogger logger, int customers, int accounts, int subscriptions, int bills, long milliseconds);
}
