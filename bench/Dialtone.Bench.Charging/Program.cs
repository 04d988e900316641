using System.Globalization;
using Dialtone.Bench.Charging;

// Nchf_ConvergedCharging v3 load over h2c (closed loop: C concurrent PDU sessions, each create, N updates, release),
// or the durable-write ceiling of the charging grain store (--ceiling sqlite). See bench/README.md.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var output = Console.Out;
if (options.Ceiling is { } ceiling)
{
    if (ceiling != "sqlite")
    {
        await Console.Error.WriteLineAsync($"--ceiling {ceiling}: only 'sqlite' is measured here; for PostgreSQL run pgbench -N (bench/README.md).");
        return 2;
    }

    return SqliteCeiling.Run(options, output);
}

IReadOnlyList<string> imsis;
if (options.ImsiFile is { } file)
{
    imsis = [.. File.ReadAllLines(file).Select(line => line.Trim()).Where(line => line.Length > 0).Take(options.Subscribers)];
}
else if (options.ImsisFrom is { } inventory)
{
    var found = await Subscribers.FromInventoryAsync(inventory, options.InventoryToken, options.WaitForLines, TimeSpan.FromSeconds(options.ReadyTimeoutSeconds), output);
    if (options.WriteImsis is { } target)
    {
        await File.WriteAllLinesAsync(target, found);
    }

    imsis = [.. found.Take(options.Subscribers)];
}
else
{
    imsis = Subscribers.InSequence(options.ImsiStart, options.Subscribers);
}

if (imsis.Count == 0)
{
    await Console.Error.WriteLineAsync("No subscribers to charge.");
    return 2;
}

if (imsis.Count < options.Subscribers)
{
    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"note            only {imsis.Count} subscribers found, {options.Subscribers} asked for"));
}

return await new ChargingLoad(options, imsis, output).RunAsync();
