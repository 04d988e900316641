namespace Dialtone.Legacy;

/// <summary>Settings under <c>Dialtone:Legacy</c>.</summary>
internal sealed class LegacyOptions
{
    /// <summary>The legacy system's address (LegacySim in demo and tests); its export is <c>{BaseUrl}admin/export</c>.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5093/";

    /// <summary>Customers per batch: one transaction per module per batch (500–1,000 by the rule).</summary>
    public int ImportBatchSize { get; set; } = 1000;

    /// <summary>Where exports are spooled while a job runs; default <c>{DataDirectory}/legacy-imports</c>.</summary>
    public string SpoolDirectory { get; set; } = "";

    /// <summary>The largest uploaded export accepted, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;
}
