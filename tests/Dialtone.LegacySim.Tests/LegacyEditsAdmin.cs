namespace Dialtone.LegacySim.Tests;

/// <summary><c>POST /admin/legacy-edits</c>: changes made by legacy's own users, as many as asked for, on a body it can read.</summary>
[Collection(LegacySimCollection.Name)]
public sealed class LegacyEditsAdmin(LegacySimFixture fixture)
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"count":"five"}""", "count" },
        { """{"count":2.5}""", "count" },
        { """{"count":{"n":3}}""", "count" },
        { """{"count":true}""", "count" },
        { """{"count":0}""", "count" },
        { """{"count":3,"seed":"eleven"}""", "seed" },
        { """{"count":3,"seed":1.5}""", "seed" },
        { """{"count":3,"seed":[11]}""", "seed" },
        { """{"count":3,"seed":99999999999}""", "seed" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ACountOrSeedThatIsNotAWholeNumberIsRefusedWith400AndChangesNothing(string body, string named)
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var before = (await legacy.CallAsync("GetChanges", ("SinceWatermark", 0), ("MaxChanges", 1))).Number("HighWatermark");

        using var refused = await fixture.Legacy.AdminAsync(HttpMethod.Post, "/admin/legacy-edits", JsonNode.Parse(body));

        var text = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{(int)refused.StatusCode}: {text}");
        var error = JsonNode.Parse(text)!;
        Assert.Equal("BAD_REQUEST", error["code"]!.GetValue<string>());
        Assert.Contains(named, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await legacy.CallAsync("GetChanges", ("SinceWatermark", 0), ("MaxChanges", 1))).Number("HighWatermark"));
    }

    [Fact]
    public async Task AsManyEditsAsAskedAreMadeWhenMostCustomersAreErased()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-legacyedits-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var small = await LegacySimFixture.StartAsync(directory, 20, seed: 5);
            using var legacy = new LegacyClient(small.BaseUrl);
            for (var number = 1; number <= 15; number++)
            {
                var id = $"C{number:D8}";
                var customer = await legacy.CustomerAsync(id);
                if (customer.Field("Status") != "X")
                {
                    (await legacy.CallAsync("EraseCustomer", ("CustomerId", id), ("ExpectedVersion", customer.Version()))).EnsureNoFault();
                }
            }

            // Five customers are left; edits are made on them only, as many as asked for, whatever the seed.
            foreach (var seed in new[] { 1, 2, 3, 4 })
            {
                var before = (await legacy.CallAsync("GetChanges", ("SinceWatermark", 0), ("MaxChanges", 1))).Number("HighWatermark");
                using var edits = await small.AdminAsync(HttpMethod.Post, "/admin/legacy-edits", new { count = 4, seed });
                edits.EnsureSuccessStatusCode();
                var answer = JsonNode.Parse(await edits.Content.ReadAsStringAsync())!;
                Assert.Equal(4, answer["changes"]!.GetValue<int>());
                Assert.Equal(before + 4, answer["highWatermark"]!.GetValue<long>());
            }
        }
        finally
        {
            LegacySimFixture.Delete(directory);
        }
    }
}
