namespace Dialtone.Customers.Tests.Authorization;

/// <summary>
/// Lists of customer data are served from the read cache between writes; a committed write, through any path, is seen
/// by the next list at once (the cache time to live is 5 s in tests, so a stale answer would show).
/// </summary>
public sealed class ListCache(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task ACachedListSeesEveryCommittedCreateChangeAndDeleteAtOnce(TestDatabase database)
    {
        var app = apps.For(database);
        var agent = app.ClientAs("agent-cache", "agent");
        const string People = $"{Subscribers.Party}/individual?limit=1000";
        var before = (await agent.GetJsonArrayAsync(People)).Count;
        Assert.Equal(before, (await agent.GetJsonArrayAsync(People)).Count);

        var created = await agent.PostJsonAsync($"{Subscribers.Party}/individual", new JsonObject { ["givenName"] = "Cached", ["familyName"] = "Once" });
        Assert.Equal(before + 1, (await agent.GetJsonArrayAsync(People)).Count);
        Assert.Single(await agent.GetJsonArrayAsync($"{Subscribers.Party}/individual?familyName=Once"));

        using (var renamed = await agent.PatchAsync($"{Subscribers.Party}/individual/{created.Id()}", TmfHttp.Json("""{"familyName":"Twice"}""", "application/merge-patch+json")))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }

        Assert.Empty(await agent.GetJsonArrayAsync($"{Subscribers.Party}/individual?familyName=Once"));
        Assert.Single(await agent.GetJsonArrayAsync($"{Subscribers.Party}/individual?familyName=Twice"));

        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"{Subscribers.Party}/individual/{created.Id()}")).StatusCode);
        Assert.Equal(before, (await agent.GetJsonArrayAsync(People)).Count);

        // A write by a message handler (the billing account a sign-up opens) is seen too, well before the cache would expire.
        var subscriber = await Subscribers.SignUpAndSignInAsync(app, "Cache", "Watcher");
        var started = DateTime.UtcNow;
        await Subscribers.BillingAccountOfAsync(app.Bearer(subscriber.Token), subscriber.PartyId);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), "The new billing account only appeared when the cached empty list expired.");
    }
}
