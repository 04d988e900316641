namespace Dialtone.Catalog.Tests.Hub;

/// <summary>A dead listener does not hold back a healthy one for its whole retry schedule.</summary>
public sealed class ListenerCircuit
{
    [Fact]
    public async Task AfterRepeatedFailuresADeadListenersEventsGoToTheDeadLettersAndOthersFlow()
    {
        var overrides = new Dictionary<string, string?> { ["Dialtone:Hub:BreakAfterFailures"] = "2" };
        for (var i = 0; i < 5; i++)
        {
            overrides[$"Dialtone:Hub:RetryDelays:{i}"] = "00:00:20";
        }

        await using var app = new DialtoneApp(overrides: overrides);
        var pm = app.ProductManager();
        await using var dead = await CallbackListener.StartAsync();
        await using var healthy = await CallbackListener.StartAsync();
        dead.AlwaysFail = true;
        await pm.PostJsonAsync($"{TmfHttp.Catalog}/hub", new JsonObject { ["callback"] = dead.Url });
        await pm.PostJsonAsync($"{TmfHttp.Catalog}/hub", new JsonObject { ["callback"] = healthy.Url });

        const int creates = 8;
        for (var i = 0; i < creates; i++)
        {
            await CatalogFixtures.SpecificationAsync(pm, $"circuit {i}");
        }

        // With 20 s between retries and no circuit, events sharing a queue with the dead listener would wait minutes.
        var delivered = await healthy.WaitForAsync(creates, TimeSpan.FromSeconds(40));
        Assert.Equal(creates, delivered.Count);
        // The dead listener's deliveries reach the dead letters on their own queue: not necessarily before the healthy
        // listener has its last event, so they are waited for (a newcomer's run once looked too early).
        var admin = app.Admin();
        var letters = new JsonArray();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); letters.Count == 0 && DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            letters = (await (await admin.GetAsync("/admin/deadLetters?limit=100")).ReadJsonAsync()).AsArray();
        }

        Assert.NotEmpty(letters);
        Assert.Contains(letters, l => l!["exceptionType"]!.GetValue<string>().Contains("ListenerUnavailable", StringComparison.Ordinal));
    }
}
