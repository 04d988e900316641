using Dialtone.Legacy.Tests.Propagation;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>The import rate on the <c>Dialtone.Legacy</c> meter: rows and customers loaded (counters a rate is derived from), rejections, and the running job's rows/s.</summary>
public sealed class ImportMetrics(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    [Fact]
    public async Task AnImportCountsItsRowsCustomersAndRejectionsAndItsRateFallsBackToZero()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy, new Dictionary<string, string?> { ["Dialtone:SeedDemoData"] = "true", ["Dialtone:DemoSubscribers"] = "0" });
        using var meters = new LegacyMeterReadings(app);
        var admin = app.Admin();
        await LegacyWorld.MapPlansAsync(admin);

        var job = await ImportJobClient.WaitAsync(admin, (await ImportJobClient.StartAsync(admin, new { source = "legacySystem", batchSize = 500 }))["id"]!.GetValue<string>());
        Assert.Equal("completed", job["state"]!.GetValue<string>());

        var customers = job["customersImported"]!.GetValue<int>();
        var rejectedLines = job["lines"]!["rejected"]!.GetValue<int>();
        Assert.True(customers > 0 && rejectedLines > 0, job.ToJsonString());
        await meters.WaitForAsync(m => m.Value("dialtone.legacy.import.customers") == customers
                                       && m.Value("dialtone.legacy.import.rows") >= customers
                                       && m.Value("dialtone.legacy.import.rows") <= job["rowsRead"]!.GetValue<long>()
                                       && m.Value("dialtone.legacy.import.rejected") == rejectedLines
                                       && m.Value("dialtone.legacy.import.rate") == 0);
        LegacyWorld.AssertNoUnexpectedErrors(app);
    }
}
