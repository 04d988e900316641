using System.Net.Http.Json;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>Starts an import job through the API and follows it, as the CLI does.</summary>
internal static class ImportJobClient
{
    public static async Task<JsonObject> StartAsync(HttpClient admin, object? body = null)
    {
        using var response = await admin.PostAsJsonAsync("/admin/legacy/importJobs", body ?? new { source = "legacySystem" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        Assert.NotNull(response.Headers.Location);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Polls the job resource until it has finished (completed or failed), at most <paramref name="timeout"/>.</summary>
    public static async Task<JsonObject> WaitAsync(HttpClient admin, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(4));
        while (true)
        {
            var job = JsonNode.Parse(await admin.GetStringAsync($"/admin/legacy/importJobs/{id}"))!.AsObject();
            var state = job["state"]!.GetValue<string>();
            if (state is "completed" or "failed")
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The import job is still {state} after the timeout: {job.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    public static async Task<int> TotalAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "limit=1&fields=id");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return int.Parse(response.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
