using System.Globalization;

namespace Dialtone.Legacy.Tests;

/// <summary>One LegacySim child process with 1,500 customers for a test class; its dataset profile says what the export holds.</summary>
public sealed class LegacySimProcess : IAsyncLifetime
{
    public const int Customers = 1500;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "dialtone-legacy-import-" + Guid.NewGuid().ToString("N"));

    public StandinProcess Legacy { get; private set; } = null!;

    /// <summary><c>GET /admin/dataset</c>'s <c>dataset</c>.</summary>
    public JsonObject Dataset { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Legacy = await StartAsync(directory, Customers, seed: 7);
        using var client = new HttpClient { BaseAddress = new Uri(Legacy.BaseUrl) };
        Dataset = JsonNode.Parse(await client.GetStringAsync("admin/dataset"))!["dataset"]!.AsObject();
    }

    public async Task DisposeAsync()
    {
        await Legacy.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static Task<StandinProcess> StartAsync(string directory, int customers, int seed) =>
        StandinProcess.StartAsync("Dialtone.LegacySim", directory, 0,
            ["--customers", customers.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture)]);
}
