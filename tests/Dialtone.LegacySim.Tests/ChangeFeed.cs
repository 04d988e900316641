namespace Dialtone.LegacySim.Tests;

/// <summary>The change feed: every change after a watermark, oldest first, with who made it and the trace id it came with.</summary>
[Collection(LegacySimCollection.Name)]
public sealed class ChangeFeed(LegacySimFixture fixture)
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task ChangesAfterAWatermarkComeInOrderWithTheirOrigin()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl) { User = "u-feed" };
        var watermark = (await legacy.CallAsync("GetChanges", ("SinceWatermark", 0), ("MaxChanges", 1))).Number("HighWatermark");
        var (customerId, subscription) = await CustomerUpdates.LiveSubscriptionAsync(legacy, 200);
        var version = (await legacy.CustomerAsync(customerId)).Version();
        var traceparent = $"00-{TraceId}-00f067aa0ba902b7-01";
        (await legacy.CallAsync("UpdateContact", traceparent, ("CustomerId", customerId), ("ExpectedVersion", version), ("Email", "feed@example.org"))).EnsureNoFault();
        (await legacy.CallAsync("UpdateAddress", traceparent, ("CustomerId", customerId), ("ExpectedVersion", version + 1), ("Address", "Feldweg 9, 24103 Kiel"))).EnsureNoFault();
        var newPlan = subscription.Field("PlanCode") == "BIZ-PRO" ? "PLN-S10" : "BIZ-PRO";
        (await legacy.CallAsync("ChangePlan", ("CustomerId", customerId), ("ExpectedVersion", version + 2), ("SubscriptionId", subscription.Field("SubscriptionId")), ("PlanCode", newPlan))).EnsureNoFault();
        using var edits = await fixture.Legacy.AdminAsync(HttpMethod.Post, "/admin/legacy-edits", new { count = 3, seed = 11 });
        edits.EnsureSuccessStatusCode();
        var made = JsonNode.Parse(await edits.Content.ReadAsStringAsync())!["changes"]!.GetValue<int>();

        var answer = await legacy.CallAsync("GetChanges", ("SinceWatermark", watermark), ("MaxChanges", 100));

        var changes = answer.Content.Descendants(LegacyClient.Crm + "Change").ToList();
        Assert.Equal(3 + made, changes.Count);
        var watermarks = changes.Select(c => long.Parse(c.Field("Watermark")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(watermarks.Order(), watermarks);
        Assert.All(watermarks, w => Assert.True(w > watermark));
        Assert.Equal(watermarks[^1], answer.Number("HighWatermark"));
        Assert.Equal("false", answer.Text("More"));
        var ours = changes.Take(3).ToList();
        Assert.Equal(new[] { "UpdateContact", "UpdateAddress", "ChangePlan" }, ours.Select(c => c.Field("Operation")));
        Assert.Equal(new[] { "Email", "Address", "PlanCode" }, ours.Select(c => c.Field("Fields")));
        Assert.Equal(new[] { "Customer", "Customer", "Subscription" }, ours.Select(c => c.Field("Entity")));
        Assert.Equal(subscription.Field("SubscriptionId"), ours[2].Field("EntityId"));
        Assert.All(ours, c => Assert.Equal(customerId, c.Field("CustomerId")));
        Assert.Equal(new[] { version + 1, version + 2, version + 3 }, ours.Select(c => long.Parse(c.Field("NewVersion")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(ours, c => Assert.Equal("DIALTONE", c.Element(LegacyClient.Crm + "Origin")!.Field("System")));
        Assert.All(ours, c => Assert.Equal("u-feed", c.Element(LegacyClient.Crm + "Origin")!.Field("User")));
        Assert.Equal(new[] { TraceId, TraceId, null }, ours.Select(c => c.Field("TraceId")));
        Assert.All(changes.Skip(3), c => Assert.Equal("LEGACY-CRM", c.Element(LegacyClient.Crm + "Origin")!.Field("System")));
    }

    [Fact]
    public async Task TheFeedIsReadInPagesUntilNothingIsLeft()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var start = (await legacy.CallAsync("GetChanges", ("SinceWatermark", 0), ("MaxChanges", 1))).Number("HighWatermark");
        using var edits = await fixture.Legacy.AdminAsync(HttpMethod.Post, "/admin/legacy-edits", new { count = 5, seed = 12 });
        edits.EnsureSuccessStatusCode();
        var made = JsonNode.Parse(await edits.Content.ReadAsStringAsync())!["changes"]!.GetValue<int>();

        var read = new List<long>();
        var since = start;
        string more;
        do
        {
            var page = await legacy.CallAsync("GetChanges", ("SinceWatermark", since), ("MaxChanges", 2));
            read.AddRange(page.Content.Descendants(LegacyClient.Crm + "Watermark").Select(w => long.Parse(w.Value, System.Globalization.CultureInfo.InvariantCulture)));
            since = page.Number("LastWatermark");
            more = page.Text("More");
        }
        while (more == "true");

        Assert.Equal(made, read.Count);
        Assert.Equal(Enumerable.Range(0, made).Select(i => start + 1 + i), read);
    }
}
