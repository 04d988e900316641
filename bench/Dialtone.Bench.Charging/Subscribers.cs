using System.Globalization;
using System.Net.Http.Headers;
using System.Numerics;
using System.Text.Json;

namespace Dialtone.Bench.Charging;

/// <summary>Which subscribers the SMF charges: an IMSI sequence, or every line's IMSI read from the product inventory.</summary>
internal static class Subscribers
{
    private const string InventoryApi = "tmf-api/productInventory/v4/product";
    private const int Page = 100;

    /// <summary><paramref name="count"/> IMSIs counting up from <paramref name="start"/>, as wide as it is.</summary>
    public static IReadOnlyList<string> InSequence(string start, int count)
    {
        var first = BigInteger.Parse(start, CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(0, count).Select(i => (first + i).ToString(CultureInfo.InvariantCulture).PadLeft(start.Length, '0'))];
    }

    /// <summary>
    /// Every active product's <c>imsi</c> characteristic from TMF637 (the main port, an agent's credential), sorted;
    /// waits until there are at least <paramref name="atLeast"/> (demo mode orders the lines in the background).
    /// </summary>
    public static async Task<IReadOnlyList<string>> FromInventoryAsync(Uri mainUrl, string authorization, int atLeast, TimeSpan timeout, TextWriter output)
    {
        using var client = new HttpClient { BaseAddress = mainUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var imsis = new SortedSet<string>(StringComparer.Ordinal);
            for (var offset = 0; ; offset += Page)
            {
                HttpResponseMessage response;
                try
                {
                    response = await client.GetAsync(new Uri($"{InventoryApi}?limit={Page}&offset={offset}", UriKind.Relative));
                }
                catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
                {
                    // A server just started on a busy machine can take longer than the client's timeout: ask again.
                    offset -= Page;
                    continue;
                }

                using var answered = response;
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET {InventoryApi} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                using var page = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
                var items = 0;
                foreach (var product in page.RootElement.EnumerateArray())
                {
                    items++;
                    if (product.TryGetProperty("status", out var status) && status.GetString() != "active")
                    {
                        continue;
                    }

                    if (product.TryGetProperty("productCharacteristic", out var characteristics))
                    {
                        foreach (var characteristic in characteristics.EnumerateArray())
                        {
                            if (characteristic.GetProperty("name").GetString() == "imsi" && characteristic.GetProperty("value").GetString() is { } imsi)
                            {
                                imsis.Add(imsi);
                            }
                        }
                    }
                }

                if (items < Page)
                {
                    break;
                }
            }

            if (imsis.Count >= atLeast)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"inventory       {imsis.Count} lines with an IMSI"));
                return [.. imsis];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The inventory holds {imsis.Count} lines with an IMSI after {timeout.TotalSeconds:0} s; {atLeast} were expected.");
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
