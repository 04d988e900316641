namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>Orders provisioned on the real stand-ins (separate processes) through the HTTP adapter and its resilience pipeline.</summary>
public sealed class RealStandins
{
    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task OrdersWaitOutAnOutageAndFlakyAnswersAndActOnceOnTheNetwork(TestDatabase database)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var network = await StandinProcess.StartAsync("Dialtone.NetworkSim", directory);
            await using var smdp = await StandinProcess.StartAsync("Dialtone.SmdpSim", directory);
            await using var shop = await Shop.OpenWithStandinsAsync(database, network, smdp);
            var (_, customer) = await shop.CustomerAsync();
            var plus = await shop.OfferingIdAsync("5G Plus 40 GB");

            await network.SetFaultsAsync(outage: true);
            var placed = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus)));
            while (await network.CounterAsync("callsDuringOutage") < 3)
            {
                await Task.Delay(20);
            }

            Assert.Equal("inProgress", (await customer.GetJsonAsync($"{Shop.OrderApi}/productOrder/{placed.Id()}"))["state"]!.GetValue<string>());
            await network.SetFaultsAsync();
            var completed = await shop.WaitForStateAsync(customer, placed.Id(), "completed", "failed");
            Assert.Equal("completed", completed["state"]!.GetValue<string>());

            // Half the answers fail (503): the adapter and the process retry, each line is still created once.
            await network.SetFaultsAsync(errorRate: 0.5);
            await smdp.SetFaultsAsync(errorRate: 0.5);
            // Batches of four until the network has answered with an error at least once (each call fails with
            // probability 1/2, so a batch passes without one 1 time in 16; sixteen batches never do in practice).
            var orders = 1;
            for (var batch = 0; batch < 16 && (batch == 0 || await network.CounterAsync("simulatedErrors") == 0); batch++)
            {
                var more = new List<string>();
                for (var i = 0; i < 4; i++)
                {
                    more.Add((await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(Shop.Add("1", plus)))).Id());
                }

                foreach (var id in more)
                {
                    Assert.Equal("completed", (await shop.WaitForStateAsync(customer, id, "completed", "failed"))["state"]!.GetValue<string>());
                }

                orders += more.Count;
            }

            await network.SetFaultsAsync();
            await smdp.SetFaultsAsync();
            Assert.True(await network.CounterAsync("simulatedErrors") > 0);
            Assert.Equal(orders, await network.CounterAsync("subscribersCreated"));
            Assert.Equal(orders, await smdp.CounterAsync("profilesPrepared"));
            var line = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(completed)}");
            using var http = new HttpClient();
            var record = (await http.GetJsonAsync($"{network.BaseUrl}/nudm-sdm/v2/imsi-{Shop.Characteristic(line, "imsi")}/am-data"));
            Assert.Equal("msisdn-" + Shop.Characteristic(line, "msisdn")!.TrimStart('+'), record["gpsis"]![0]!.GetValue<string>());
            Assert.Empty(shop.Problems);
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }

    [Fact]
    public async Task APortedNumberMovesFromTheDonorOrTheOrderFailsWithTheDonorsAnswer()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var network = await StandinProcess.StartAsync("Dialtone.NetworkSim", directory);
            await using var smdp = await StandinProcess.StartAsync("Dialtone.SmdpSim", directory);
            await using var shop = await Shop.OpenWithStandinsAsync(TestDatabase.Sqlite, network, smdp);
            var (_, customer) = await shop.CustomerAsync();
            var plus = await shop.OfferingIdAsync("5G Plus 40 GB");

            var ported = await shop.OrderAndCompleteAsync(customer, Shop.Order(PortIn(plus, "+4917012345678")));
            var line = await customer.GetJsonAsync($"{Shop.InventoryApi}/product/{Shop.ProductOf(ported)}");
            Assert.Equal("+4917012345678", Shop.Characteristic(line, "msisdn"));
            Assert.Equal("Telco Nord", Shop.Characteristic(line, "portInDonorOperator"));
            Assert.Equal(1, await network.CounterAsync("portInsCompleted"));

            // The simulated donor refuses numbers ending in 99: the order fails with its answer and nothing is provisioned.
            var refused = await customer.PostJsonAsync($"{Shop.OrderApi}/productOrder", Shop.Order(PortIn(plus, "+4917012345699")));
            var failed = await shop.WaitForStateAsync(customer, refused.Id(), "failed", "completed");
            Assert.Contains("PORT_IN_REJECTED", failed["note"]!.AsArray().Last()!["text"]!.GetValue<string>());
            Assert.Equal(1, await network.CounterAsync("subscribersCreated"));

            // A number of Dialtone's own pool is not ported.
            using var own = await customer.PostAsync($"{Shop.OrderApi}/productOrder", TmfHttp.Json(Shop.Order(PortIn(plus, "+4915550001111"))));
            Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
            Assert.Contains("INVALID_PORT_IN", await own.Content.ReadAsStringAsync());
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }

    private static JsonObject PortIn(string offeringId, string msisdn) =>
        Shop.Add("1", offeringId, product: new JsonObject
        {
            ["productCharacteristic"] = new JsonArray(
                new JsonObject { ["name"] = "msisdn", ["value"] = msisdn },
                new JsonObject { ["name"] = "portInDonorOperator", ["value"] = "Telco Nord" }),
        });
}
