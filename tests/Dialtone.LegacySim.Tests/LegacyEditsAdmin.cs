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
}
