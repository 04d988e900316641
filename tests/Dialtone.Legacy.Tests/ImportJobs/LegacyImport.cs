using System.Text.RegularExpressions;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>The bulk import of LegacySim's export through the real API, on SQLite and (when configured) PostgreSQL.</summary>
public sealed partial class LegacyImport(LegacySimProcess sim) : IClassFixture<LegacySimProcess>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ImportsTheExportOnceAndASecondRunCreatesNothing(TestDatabase database)
    {
        await using var app = new DialtoneApp(database, new Dictionary<string, string?> { ["Dialtone:Legacy:BaseUrl"] = sim.Legacy.BaseUrl });
        var admin = app.Admin();

        var started = await ImportJobClient.StartAsync(admin, new { source = "legacySystem", batchSize = 500 });
        var job = await ImportJobClient.WaitAsync(admin, started["id"]!.GetValue<string>());
        Assert.True(job["state"]!.GetValue<string>() == "completed", job.ToJsonString());

        var customers = job["customersImported"]!.GetValue<int>();
        var rejectedRecords = job["rejectedRecords"]!.GetValue<int>();
        var merged = job["duplicatesMerged"]!.GetValue<int>();
        Assert.Equal(LegacySimProcess.Customers, job["legacyRecords"]!.GetValue<int>());
        Assert.Equal(LegacySimProcess.Customers - rejectedRecords - merged, customers);
        Assert.Equal(customers, job["customersCreated"]!.GetValue<int>());
        Assert.True(merged > 0 && merged <= sim.Dataset["duplicates"]!.GetValue<int>(), $"{merged} merged, the dataset has {sim.Dataset["duplicates"]} duplicates");
        Assert.Equal(job["rowsTotal"]!.GetValue<long>(), job["rowsRead"]!.GetValue<long>());
        Assert.True(job["rowsPerSecond"]!.GetValue<double>() > 0);
        Assert.Equal(0, job["etaSeconds"]!.GetValue<double>());
        Assert.Equal(job["checkpoint"]!["batchCount"]!.GetValue<int>(), job["checkpoint"]!["nextBatch"]!.GetValue<int>());

        Assert.Equal(customers, await ImportJobClient.TotalAsync(admin, "/tmf-api/customerManagement/v4/customer"));
        Assert.Equal(customers, await ImportJobClient.TotalAsync(admin, "/tmf-api/party/v4/individual"));
        var accounts = job["billingAccountsImported"]!.GetValue<int>();
        Assert.True(accounts >= customers, $"{accounts} accounts for {customers} customers");
        Assert.Equal(accounts, await ImportJobClient.TotalAsync(admin, "/tmf-api/accountManagement/v4/billingAccount"));

        var again = await ImportJobClient.WaitAsync(admin, (await ImportJobClient.StartAsync(admin))["id"]!.GetValue<string>());
        Assert.Equal("completed", again["state"]!.GetValue<string>());
        Assert.Equal(0, again["customersCreated"]!.GetValue<int>());
        Assert.Equal(customers, again["customersImported"]!.GetValue<int>());
        Assert.Equal(customers, await ImportJobClient.TotalAsync(admin, "/tmf-api/customerManagement/v4/customer"));
        Assert.Equal(customers, await ImportJobClient.TotalAsync(admin, "/tmf-api/party/v4/individual"));
        Assert.Equal(accounts, await ImportJobClient.TotalAsync(admin, "/tmf-api/accountManagement/v4/billingAccount"));

        await TheErrorReportListsEveryRejectedRowMasked(admin, job);
        await AnImportedCustomerReadsThroughTmf629And632(admin);
        Assert.Empty(app.Errors.Unexpected);
    }

    private static async Task TheErrorReportListsEveryRejectedRowMasked(HttpClient admin, JsonObject job)
    {
        var id = job["id"]!.GetValue<string>();
        using var response = await admin.GetAsync($"/admin/legacy/importJobs/{id}/errors?limit=5000");
        var rows = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(job["rejected"]!.GetValue<int>() + job["warnings"]!.GetValue<int>(), rows.Count);
        Assert.Equal(job["rejected"]!.GetValue<int>(), rows.Count(r => r!["severity"]!.GetValue<string>() == "rejected"));
        Assert.Contains(rows, r => r!["field"]!.GetValue<string>() == "EMAIL");
        Assert.Equal(job["rejectedRecords"]!.GetValue<int>(), rows.Count(r => r!["severity"]!.GetValue<string>() == "rejected" && r["field"]!.GetValue<string>() is "CUSTOMER_STATUS" or "FIRST_NAME" or "LAST_NAME"));
        foreach (var row in rows)
        {
            Assert.True(row!["rowNumber"]!.GetValue<long>() > 0);
            var value = row["value"]?.GetValue<string>() ?? "";
            Assert.DoesNotMatch(ClearEmail(), value);
            Assert.DoesNotMatch(LongNumber(), value);
        }

        var rejected = JsonNode.Parse(await admin.GetStringAsync($"/admin/legacy/importJobs/{id}/errors?severity=rejected"))!.AsArray();
        Assert.All(rejected, r => Assert.Equal("rejected", r!["severity"]!.GetValue<string>()));
    }

    private static async Task AnImportedCustomerReadsThroughTmf629And632(HttpClient admin)
    {
        var customer = JsonNode.Parse(await admin.GetStringAsync("/tmf-api/customerManagement/v4/customer?limit=1"))!.AsArray().Single()!;
        Assert.StartsWith("C-", customer["customerNumber"]!.GetValue<string>(), StringComparison.Ordinal);
        var legacyIds = customer["characteristic"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "legacyCustomerId")!["value"]!.GetValue<string>();
        var partyId = customer["engagedParty"]!["id"]!.GetValue<string>();
        var party = JsonNode.Parse(await admin.GetStringAsync($"/tmf-api/party/v4/individual/{partyId}"))!;
        Assert.Equal(legacyIds.Split(','), party["externalReference"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
        foreach (var medium in party["contactMedium"]?.AsArray() ?? [])
        {
            var characteristic = medium!["characteristic"]!;
            if (characteristic["emailAddress"] is { } email)
            {
                Assert.Equal(email.GetValue<string>().Trim().ToLowerInvariant(), email.GetValue<string>());
            }

            if (characteristic["phoneNumber"] is { } phone)
            {
                Assert.Matches(@"^\+49[1-9][0-9]+$", phone.GetValue<string>());
            }
        }
    }

    [GeneratedRegex(@"[^*]@")]
    private static partial Regex ClearEmail();

    [GeneratedRegex(@"[0-9]{5,}")]
    private static partial Regex LongNumber();
}
