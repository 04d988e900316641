using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dialtone.Bench.Load;

/// <summary>
/// Order throughput (TMF622): submits <c>count</c> orders for a 5G plan from <c>concurrency</c> workers (closed loop, as
/// an agent with the development scheme, one order per request, a party per 10 orders with its identity checked), then
/// waits until all are completed (or failed). Reports orders submitted per second, orders completed per second (from the
/// first submit to the last completion) and the submit latency. The provisioning stand-ins should run with no latency.
/// </summary>
internal static class OrderThroughput
{
    private const int OrdersPerParty = 10;

    public static async Task<int> RunAsync(HttpClient client, Uri baseUri, int count, int concurrency, TextWriter output)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "bench-agent:agent");
        var plan = await OfferingAsync(client, baseUri, "5G Plus 40 GB");
        var parties = new List<string>();
        for (var i = 0; i < (count + OrdersPerParty - 1) / OrdersPerParty; i++)
        {
            var party = await PostAsync(client, new Uri(baseUri, "tmf-api/party/v4/individual"), new JsonObject { ["givenName"] = "Bench", ["familyName"] = $"Customer{i}" });
            await PostAsync(client, new Uri(baseUri, "tmf-api/productOrderingManagement/v4/identityCheck"),
                new JsonObject { ["partyId"] = party, ["documentType"] = "passport", ["documentNumber"] = $"B{i:D6}7", ["birthDate"] = "1990-01-01" });
            parties.Add(party);
        }

        await output.WriteLineAsync($"prepared        {parties.Count} parties with their identity checked, plan {plan}");
        var next = -1;
        var histograms = new List<LatencyHistogram>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var histogram = new LatencyHistogram();
            lock (histograms)
            {
                histograms.Add(histogram);
            }

            int n;
            while ((n = Interlocked.Increment(ref next)) < count)
            {
                var order = new JsonObject
                {
                    ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = parties[n / OrdersPerParty], ["role"] = "customer", ["@referredType"] = "Individual" }),
                    ["productOrderItem"] = new JsonArray(new JsonObject { ["id"] = "1", ["action"] = "add", ["productOffering"] = new JsonObject { ["id"] = plan } }),
                };
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsJsonAsync(new Uri(baseUri, "tmf-api/productOrderingManagement/v4/productOrder"), order);
                await response.Content.ReadAsByteArrayAsync();
                histogram.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var submitted = clock.Elapsed;

        long completed = 0, failed = 0;
        while (completed + failed < count - failures && clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            completed = await CountAsync(client, baseUri, "completed");
            failed = await CountAsync(client, baseUri, "failed");
            await Task.Delay(100);
        }

        var finished = clock.Elapsed;
        var all = new LatencyHistogram();
        histograms.ForEach(all.Add);
        await output.WriteLineAsync($"orders          {count} submitted by {concurrency} workers, {failures} refused, {completed} completed, {failed} failed");
        await output.WriteLineAsync($"submitted/s     {count / submitted.TotalSeconds:F1} (in {submitted.TotalSeconds:F1} s)");
        await output.WriteLineAsync($"completed/s     {completed / finished.TotalSeconds:F1} (last completion {finished.TotalSeconds:F1} s after the first submit; polled every 100 ms)");
        await output.WriteLineAsync($"submit latency  p50 {all.ValueAtPercentile(50) / 1000.0:F1} ms, p99 {all.ValueAtPercentile(99) / 1000.0:F1} ms, max {all.Max / 1000.0:F1} ms");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"RESULT scenario=orders count={count} concurrency={concurrency} submitted_per_s={count / submitted.TotalSeconds:F1} completed_per_s={completed / finished.TotalSeconds:F1} p50_ms={all.ValueAtPercentile(50) / 1000.0:F1} p99_ms={all.ValueAtPercentile(99) / 1000.0:F1} refused={failures} failed={failed}"));
        return failures == 0 && failed == 0 && completed == count ? 0 : 1;
    }

    private static async Task<long> CountAsync(HttpClient client, Uri baseUri, string state)
    {
        using var response = await client.GetAsync(new Uri(baseUri, $"tmf-api/productOrderingManagement/v4/productOrder?state={state}&fields=id&limit=1"));
        response.EnsureSuccessStatusCode();
        return long.Parse(response.Headers.GetValues("X-Total-Count").First(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> OfferingAsync(HttpClient client, Uri baseUri, string name)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var found = await client.GetFromJsonAsync<JsonArray>(new Uri(baseUri, $"tmf-api/productCatalogManagement/v4/productOffering?name={Uri.EscapeDataString(name)}&fields=id"));
            if (found is [JsonObject offering])
            {
                return offering["id"]!.GetValue<string>();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The demo offering '{name}' never appeared.");
    }

    private static async Task<string> PostAsync(HttpClient client, Uri uri, JsonObject body)
    {
        using var response = await client.PostAsJsonAsync(uri, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {uri} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!["partyId"]?.GetValue<string>() ?? JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }
}
