using System.Net.Http.Headers;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>
/// <c>kill -9</c> in the middle of an import: the real server (a child process) is killed with SIGKILL once the job has
/// committed a batch, started again, and the job resumes from its checkpoint by itself; in the end every customer
/// exists exactly once, and so does every line with its migration order (a kill between a batch's migration steps
/// leaves orders completing, which the resumed batch completes).
/// </summary>
public sealed class ImportResume
{
    [Fact]
    public async Task ResumesFromTheLastCheckpointAfterASigkillAndCreatesNothingTwice()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-legacy-resume", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var legacy = await LegacySimProcess.StartAsync(directory, customers: 2500, seed: 11);
            var settings = new Dictionary<string, string>
            {
                ["Dialtone__Standins__Start"] = "false",
                ["Dialtone__Legacy__BaseUrl"] = legacy.BaseUrl,
                ["Dialtone__SeedDemoData"] = "true",
                ["Dialtone__DemoSubscribers"] = "0",
            };
            var server = new ServerProcess(directory, settings);
            await using var _ = server;
            await server.StartAsync();
            using var admin = Admin(server);
            await MapEveryPlanAsync(admin);

            var id = (await ImportJobClient.StartAsync(admin, new { source = "legacySystem", batchSize = 500 }))["id"]!.GetValue<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            JsonObject job;
            while (true)
            {
                job = JsonNode.Parse(await admin.GetStringAsync($"/admin/legacy/importJobs/{id}"))!.AsObject();
                if (job["checkpoint"]!["nextBatch"]!.GetValue<int>() >= 1)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, job.ToJsonString());
                await Task.Delay(20);
            }

            server.Kill();
            Assert.Equal("running", job["state"]!.GetValue<string>());

            // What a kill leaves on disk for the resume is the export encrypted: none of its rows in clear.
            var spool = await File.ReadAllBytesAsync(Path.Combine(directory, "data", "legacy-imports", id + ".csv"));
            Assert.Equal("DTSPOOL1"u8.ToArray(), spool[..8]);
            using (var sim = new HttpClient())
            {
                var export = (await sim.GetStringAsync(new Uri(new Uri(legacy.BaseUrl), "admin/export"))).Split('\n', 3);
                foreach (var row in export[..2])
                {
                    Assert.True(spool.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(row.TrimEnd('\r'))) < 0, $"the spool holds a row in clear: {row[..Math.Min(row.Length, 20)]}...");
                }
            }

            var checkpoint = job["checkpoint"]!["nextBatch"]!.GetValue<int>();
            Assert.True(checkpoint < job["checkpoint"]!["batchCount"]!.GetValue<int>(), "The job finished before the kill; nothing was resumed.");

            await server.StartAsync();
            using var again = Admin(server);
            var done = await ImportJobClient.WaitAsync(again, id);
            Assert.True(done["state"]!.GetValue<string>() == "completed", done.ToJsonString());
            Assert.Equal(2, done["attempts"]!.GetValue<int>());
            var customers = done["customersTotal"]!.GetValue<int>();
            Assert.Equal(customers, done["customersImported"]!.GetValue<int>());
            Assert.Equal(customers, await ImportJobClient.TotalAsync(again, "/tmf-api/customerManagement/v4/customer"));
            Assert.Equal(customers, await ImportJobClient.TotalAsync(again, "/tmf-api/party/v4/individual"));
            Assert.Equal(done["billingAccountsImported"]!.GetValue<int>(), await ImportJobClient.TotalAsync(again, "/tmf-api/accountManagement/v4/billingAccount"));
            Assert.Equal(done["rejected"]!.GetValue<int>() + done["warnings"]!.GetValue<int>(),
                JsonNode.Parse(await again.GetStringAsync($"/admin/legacy/importJobs/{id}/errors?limit=5000"))!.AsArray().Count);
            var lines = done["lines"]!;
            Assert.True(lines["total"]!.GetValue<int>() > 0 && lines["rejected"]!.GetValue<int>() == 0, lines.ToJsonString());
            Assert.Equal(lines["total"]!.GetValue<int>(), lines["imported"]!.GetValue<int>());
            Assert.Equal(lines["imported"]!.GetValue<int>(), await ImportJobClient.TotalAsync(again, $"{Orders.OrderApi}/productOrder?category=migration&state=completed"));
            Assert.Equal(lines["imported"]!.GetValue<int>(), await ImportJobClient.TotalAsync(again, $"{Orders.OrderApi}/productOrder"));
            Assert.Equal(lines["imported"]!.GetValue<int>(), await ImportJobClient.TotalAsync(again, $"{Orders.InventoryApi}/product"));
        }
        finally
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

    private static async Task MapEveryPlanAsync(HttpClient admin)
    {
        var start = await Orders.OfferingIdAsync(admin, "5G Start 10 GB");
        var plus = await Orders.OfferingIdAsync(admin, "5G Plus 40 GB");
        var table = new JsonArray([.. new[] { "PLN-S10", "PLN-M25", "PLN-L50", "OLD_UNLTD", "TAR2009X", "PP_BASIC", "BIZ-PRO", "DATA-ONLY-5" }
            .Select((code, i) => new JsonObject { ["legacyPlanCode"] = code, ["productOfferingId"] = i % 2 == 0 ? start : plus })]);
        using var put = await admin.PutAsync("/admin/legacy/planMappings", TmfHttp.Json(new JsonObject { ["mappings"] = table }));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
    }

    private static HttpClient Admin(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "admin-1:admin");
        return client;
    }
}
