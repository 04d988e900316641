namespace Dialtone.LegacySim.Tests;

/// <summary>One LegacySim process with 1,500 customers, shared by the tests that read and change its data (in one collection, one at a time).</summary>
public sealed class LegacySimFixture : IAsyncLifetime
{
    public const int Customers = 1500;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "dialtone-legacysim-" + Guid.NewGuid().ToString("N"));

    public StandinProcess Legacy { get; private set; } = null!;

    public async Task InitializeAsync() => Legacy = await StartAsync(directory, Customers, seed: 7);

    public async Task DisposeAsync()
    {
        await Legacy.DisposeAsync();
        Delete(directory);
    }

    /// <summary>Starts LegacySim as a child process with its own database in <paramref name="directory"/>.</summary>
    public static Task<StandinProcess> StartAsync(string directory, int customers, int seed, int latencyMs = 0, params string[] settings) =>
        StandinProcess.StartAsync("Dialtone.LegacySim", directory, latencyMs,
            ["--customers", customers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), .. settings]);

    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LegacySimCollection : ICollectionFixture<LegacySimFixture>
{
    public const string Name = "LegacySim";
}
