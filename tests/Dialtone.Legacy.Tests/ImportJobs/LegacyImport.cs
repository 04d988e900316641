using System.Text.RegularExpressions;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>
/// The bulk import of LegacySim's export through the real API, on SQLite and (when configured) PostgreSQL: customers,
/// accounts, and the lines through migration orders (ADR 0016) with the operator's plan mapping; the network and the
/// SM-DP+ are a recorder that must hear nothing.
/// </summary>
public sealed partial class LegacyImport(LegacySimProcess sim) : IClassFixture<LegacySimProcess>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Fact]
    public async Task AnUploadedExportIsImportedLikeTheLegacySystems()
    {
        await using var app = new DialtoneApp(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Dialtone:Legacy:BaseUrl"] = sim.Legacy.BaseUrl });
        var admin = app.Admin();
        using var legacy = new HttpClient { BaseAddress = new Uri(sim.Legacy.BaseUrl) };
        var export = await legacy.GetByteArrayAsync("admin/export");
        using var content = new ByteArrayContent(export);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var upload = await admin.PostAsync("/admin/legacy/importJobs?batchSize=500", content);
        var started = JsonNode.Parse(await upload.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, started.ToJsonString());

        var job = await ImportJobClient.WaitAsync(admin, started["id"]!.GetValue<string>());
        Assert.True(job["state"]!.GetValue<string>() == "completed", job.ToJsonString());
        Assert.Equal(LegacySimProcess.Customers, job["legacyRecords"]!.GetValue<int>());
        var customers = job["customersImported"]!.GetValue<int>();
        Assert.Equal(LegacySimProcess.Customers - job["rejectedRecords"]!.GetValue<int>() - job["duplicatesMerged"]!.GetValue<int>(), customers);
        Assert.Equal(customers, await ImportJobClient.TotalAsync(admin, "/tmf-api/customerManagement/v4/customer"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ImportsTheExportOnceAndASecondRunCreatesNothing(TestDatabase database)
    {
        await using var network = await ProvisioningRecorder.StartAsync();
        await using var app = new DialtoneApp(database, new Dictionary<string, string?>
        {
            ["Dialtone:Legacy:BaseUrl"] = sim.Legacy.BaseUrl,
            ["Dialtone:SeedDemoData"] = "true",
            ["Dialtone:DemoSubscribers"] = "0",
            ["Dialtone:Ordering:Network:BaseUrl"] = network.BaseUrl,
            ["Dialtone:Ordering:Smdp:BaseUrl"] = network.BaseUrl,
        });
        var admin = app.Admin();
        var mapping = await MapEveryPlanButOneAsync(admin);

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
        var lines = await TheLinesCameInThroughMigrationOrders(app, admin, job, mapping);
        Assert.Equal(0, network.Requests);

        var again = await ImportJobClient.WaitAsync(admin, (await ImportJobClient.StartAsync(admin))["id"]!.GetValue<string>());
        Assert.Equal("completed", again["state"]!.GetValue<string>());
        Assert.Equal(0, again["customersCreated"]!.GetValue<int>());
        Assert.Equal(customers, again["customersImported"]!.GetValue<int>());
        Assert.Equal(customers, await ImportJobClient.TotalAsync(admin, "/tmf-api/customerManagement/v4/customer"));
        Assert.Equal(customers, await ImportJobClient.TotalAsync(admin, "/tmf-api/party/v4/individual"));
        Assert.Equal(accounts, await ImportJobClient.TotalAsync(admin, "/tmf-api/accountManagement/v4/billingAccount"));
        Assert.Equal(0, again["lines"]!["created"]!.GetValue<int>());
        Assert.Equal(lines, again["lines"]!["imported"]!.GetValue<int>());
        Assert.Equal(lines, await ImportJobClient.TotalAsync(admin, $"{Orders.OrderApi}/productOrder?category=migration"));
        Assert.Equal(lines, await ImportJobClient.TotalAsync(admin, $"{Orders.InventoryApi}/product"));
        Assert.Equal(0, network.Requests);

        await TheErrorReportListsEveryRejectedRowMasked(admin, job);
        await AnImportedCustomerReadsThroughTmf629And632(admin);
        Assert.True(app.Errors.Unexpected.Count == 0, string.Join("\n", app.Errors.Unexpected));
    }

    /// <summary>The operator's table: every legacy plan code of LegacySim but DATA-ONLY-5 (whose lines must land in the error report); read back as put.</summary>
    private static async Task<Dictionary<string, string>> MapEveryPlanButOneAsync(HttpClient admin)
    {
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PLN-S10"] = await Orders.OfferingIdAsync(admin, "5G Start 10 GB"),
            ["PLN-M25"] = await Orders.OfferingIdAsync(admin, "5G Plus 40 GB"),
            ["PLN-L50"] = await Orders.OfferingIdAsync(admin, "5G Max 120 GB"),
            ["OLD_UNLTD"] = await Orders.OfferingIdAsync(admin, "5G Unlimited"),
            ["TAR2009X"] = await Orders.OfferingIdAsync(admin, "5G Start 10 GB"),
            ["PP_BASIC"] = await Orders.OfferingIdAsync(admin, "Dialtone Prepaid"),
            ["BIZ-PRO"] = await Orders.OfferingIdAsync(admin, "5G Plus 40 GB"),
        };
        var table = new JsonObject { ["mappings"] = new JsonArray([.. mapping.Select(m => new JsonObject { ["legacyPlanCode"] = m.Key, ["productOfferingId"] = m.Value })]) };
        using var put = await admin.PutAsync("/admin/legacy/planMappings", TmfHttp.Json(table));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var read = JsonNode.Parse(await admin.GetStringAsync("/admin/legacy/planMappings"))!["mappings"]!.AsArray();
        Assert.Equal(mapping.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value)),
            read.Select(m => (m!["legacyPlanCode"]!.GetValue<string>(), m["productOfferingId"]!.GetValue<string>())));
        return mapping;
    }

    /// <summary>
    /// Every live line is in inventory through a completed migration order, or rejected for its unmapped plan code; a
    /// migrated line has the mapped offering, its number is assigned (a port-in of it is refused), and a postpaid one is
    /// charged over Nchf. Answers the number of migrated lines.
    /// </summary>
    private static async Task<int> TheLinesCameInThroughMigrationOrders(DialtoneApp app, HttpClient admin, JsonObject job, Dictionary<string, string> mapping)
    {
        var counts = job["lines"]!;
        var total = counts["total"]!.GetValue<int>();
        var imported = counts["imported"]!.GetValue<int>();
        var rejected = counts["rejected"]!.GetValue<int>();
        Assert.True(imported > total / 2 && rejected > 0 && counts["terminated"]!.GetValue<int>() > 0, counts.ToJsonString());
        Assert.Equal(total, imported + rejected);
        Assert.Equal(imported, counts["created"]!.GetValue<int>());
        Assert.Equal(imported, await ImportJobClient.TotalAsync(admin, $"{Orders.OrderApi}/productOrder?category=migration&state=completed"));
        Assert.Equal(imported, await ImportJobClient.TotalAsync(admin, $"{Orders.InventoryApi}/product"));
        var unmapped = JsonNode.Parse(await admin.GetStringAsync($"/admin/legacy/importJobs/{job["id"]}/errors?severity=rejected&limit=5000"))!.AsArray()
            .Where(r => r!["field"]!.GetValue<string>() == "PLAN_CODE").ToList();
        Assert.Equal(rejected, unmapped.Count);
        Assert.All(unmapped, r => Assert.Equal("DATA-ONLY-5", r!["value"]!.GetValue<string>()));
        Assert.All(unmapped, r => Assert.Contains("planMappings", r!["reason"]!.GetValue<string>(), StringComparison.Ordinal));

        // One migrated active postpaid line, seen as its customer's product in TMF637, and the migration order that made it.
        var plus = mapping["PLN-M25"];
        var line = (await admin.GetJsonArrayAsync($"{Orders.InventoryApi}/product?productOffering.id={plus}&status=active&limit=1")).Single()!;
        var order = await admin.GetJsonAsync($"{Orders.OrderApi}/productOrder/{line["productOrderItem"]![0]!["productOrderId"]!.GetValue<string>()}");
        Assert.Equal("completed", order["state"]!.GetValue<string>());
        Assert.Equal("migration", order["category"]!.GetValue<string>());
        var partyId = order["relatedParty"]![0]!["id"]!.GetValue<string>();
        var productId = Orders.ProductOf(order);
        var owned = await admin.GetJsonArrayAsync($"{Orders.InventoryApi}/product?relatedParty.id={partyId}");
        var product = owned.Single(p => p!.Id() == productId)!.AsObject();
        Assert.Equal(plus, product["productOffering"]!["id"]!.GetValue<string>());
        Assert.Matches(LegacyPlan(), order["description"]!.GetValue<string>());
        var msisdn = Orders.Characteristic(product, "msisdn")!;
        var imsi = Orders.Characteristic(product, "imsi")!;
        Assert.Matches(@"^\+491[567][0-9]+$", msisdn);
        Assert.StartsWith("00101", imsi, StringComparison.Ordinal);

        // The number is assigned in the pool: bringing it in again is refused.
        var agent = app.ClientAs("agent-1", "agent");
        var portIn = new JsonObject
        {
            ["billingAccount"] = new JsonObject { ["id"] = product["billingAccount"]!["id"]!.GetValue<string>() },
            ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = partyId, ["role"] = "customer", ["@referredType"] = "Individual" }),
            ["productOrderItem"] = new JsonArray(Orders.Add("1", plus, product: new JsonObject
            {
                ["productCharacteristic"] = new JsonArray(
                    new JsonObject { ["name"] = "msisdn", ["value"] = msisdn },
                    new JsonObject { ["name"] = "portInDonorOperator", ["value"] = "Other Mobile" }),
            })),
        };
        using (var refused = await agent.PostAsync($"{Orders.OrderApi}/productOrder", TmfHttp.Json(portIn)))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Conflict && body.Contains("NUMBER_NOT_AVAILABLE", StringComparison.Ordinal), body);
        }

        // Charging opened its account from the batch's completion event: the 5G core's create for its IMSI is granted.
        using var smf = app.ClientAs("smf-1", "network");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var (status, answer) = await NchfCreateAsync(smf, imsi);
            if (status == HttpStatusCode.Created || DateTime.UtcNow > deadline)
            {
                Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {answer}");
                break;
            }

            await Task.Delay(100);
        }

        return imported;
    }

    private static async Task<(HttpStatusCode Status, string Body)> NchfCreateAsync(HttpClient smf, string imsi)
    {
        var body = new JsonObject
        {
            ["subscriberIdentifier"] = $"imsi-{imsi}",
            ["nfConsumerIdentification"] = new JsonObject { ["nFName"] = "smf-a", ["nodeFunctionality"] = "SMF" },
            ["invocationTimeStamp"] = "2026-11-26T09:00:00Z",
            ["invocationSequenceNumber"] = 1,
            ["multipleUnitUsage"] = new JsonArray(new JsonObject { ["ratingGroup"] = 10, ["requestedUnit"] = new JsonObject { ["totalVolume"] = 1_000_000 } }),
            ["pDUSessionChargingInformation"] = new JsonObject { ["chargingId"] = 1 },
        };
        using var response = await smf.PostAsync("/nchf-convergedcharging/v3/chargingdata", TmfHttp.Json(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
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

    [GeneratedRegex(@"legacy plan code (PLN-M25|BIZ-PRO)")]
    private static partial Regex LegacyPlan();

    [GeneratedRegex(@"[^*]@")]
    private static partial Regex ClearEmail();

    [GeneratedRegex(@"[0-9]{5,}")]
    private static partial Regex LongNumber();
}
