namespace Dialtone.Customers.Tests.Authorization;

/// <summary>
/// Every customer-data route tried with every kind of wrong caller: no token, a tampered token, a token without the
/// scope, a token of a role that has no business here, another customer's token, another partner's token, and (last,
/// because it moves the clock) an expired token. Real tokens from the real endpoints, on both databases.
/// </summary>
public sealed class AccessMatrix(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    private static readonly string[] Resources =
    [
        $"{Subscribers.Party}/individual", $"{Subscribers.Party}/organization", $"{Subscribers.CustomerApi}/customer",
        $"{Subscribers.AccountApi}/billingAccount", $"{Subscribers.AccountApi}/partyAccount", $"{Subscribers.AccountApi}/financialAccount",
    ];

    [Theory, MemberData(nameof(Databases))]
    public async Task EveryRouteAnswersEachWrongCallerWith401_403Or404AndEachOwnerWithTheirData(TestDatabase database)
    {
        var app = apps.For(database);
        var world = await World.BuildAsync(app);

        foreach (var resource in Resources)
        {
            var annId = world.AnnOwns[resource];
            var partnerId = world.PartnerAOwns[resource];

            // The owners see their own, and care sees both.
            await Expect(app.Bearer(world.Ann.Token), HttpMethod.Get, $"{resource}/{annId}", HttpStatusCode.OK);
            await Expect(app.Bearer(world.PartnerA), HttpMethod.Get, $"{resource}/{partnerId}", HttpStatusCode.OK);
            await Expect(app.Bearer(world.Agent), HttpMethod.Get, $"{resource}/{annId}", HttpStatusCode.OK);
            await Expect(app.Bearer(world.Agent), HttpMethod.Get, $"{resource}/{partnerId}", HttpStatusCode.OK);
            Assert.Contains(annId, await ListAsync(app.Bearer(world.Ann.Token), resource));
            Assert.Contains(partnerId, await ListAsync(app.Bearer(world.PartnerA), resource));

            foreach (var id in new[] { annId, partnerId })
            {
                foreach (var (method, path) in Routes(resource, id))
                {
                    await Expect(app.CreateClient(), method, path, HttpStatusCode.Unauthorized);
                    await Expect(app.Bearer(world.Tampered), method, path, HttpStatusCode.Unauthorized);
                    await Expect(app.Bearer(world.CustomerWithoutScope), method, path, HttpStatusCode.Forbidden);
                    await Expect(app.Bearer(world.ProductManagerClient), method, path, HttpStatusCode.Forbidden);
                    await Expect(app.Bearer(world.Network), method, path, HttpStatusCode.Forbidden);
                }
            }

            // Another customer: what is not theirs does not exist for them; they neither create nor delete.
            await Expect(app.Bearer(world.Ben.Token), HttpMethod.Get, $"{resource}/{annId}", HttpStatusCode.NotFound);
            await Expect(app.Bearer(world.Ben.Token), HttpMethod.Patch, $"{resource}/{annId}", HttpStatusCode.NotFound);
            await Expect(app.Bearer(world.Ben.Token), HttpMethod.Get, $"{resource}/{partnerId}", HttpStatusCode.NotFound);
            await Expect(app.Bearer(world.Ben.Token), HttpMethod.Delete, $"{resource}/{annId}", HttpStatusCode.Forbidden);
            await Expect(app.Bearer(world.Ben.Token), HttpMethod.Post, resource, HttpStatusCode.Forbidden);
            var bensList = await ListAsync(app.Bearer(world.Ben.Token), resource);
            Assert.DoesNotContain(annId, bensList);
            Assert.DoesNotContain(partnerId, bensList);

            // Another partner: the same, for what partner A created; and it cannot even see Ann's.
            foreach (var id in new[] { partnerId, annId })
            {
                await Expect(app.Bearer(world.PartnerB), HttpMethod.Get, $"{resource}/{id}", HttpStatusCode.NotFound);
                await Expect(app.Bearer(world.PartnerB), HttpMethod.Patch, $"{resource}/{id}", HttpStatusCode.NotFound);
                await Expect(app.Bearer(world.PartnerB), HttpMethod.Delete, $"{resource}/{id}", HttpStatusCode.NotFound);
            }

            var partnerBList = await ListAsync(app.Bearer(world.PartnerB), resource);
            Assert.DoesNotContain(partnerId, partnerBList);
            Assert.DoesNotContain(annId, partnerBList);

            // Unknown ids answer exactly as other people's ids do.
            await Expect(app.Bearer(world.Ann.Token), HttpMethod.Get, $"{resource}/{Guid.CreateVersion7()}", HttpStatusCode.NotFound);
        }

        // A partner cannot point its records at parties it did not create (not even to probe whether they exist).
        await Expect(app.Bearer(world.PartnerB), HttpMethod.Post, $"{Subscribers.CustomerApi}/customer", HttpStatusCode.BadRequest,
            new JsonObject { ["engagedParty"] = new JsonObject { ["id"] = world.PartnerAOwns[$"{Subscribers.Party}/individual"] } });
        await Expect(app.Bearer(world.PartnerB), HttpMethod.Post, $"{Subscribers.AccountApi}/billingAccount", HttpStatusCode.BadRequest,
            new JsonObject { ["name"] = "x", ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = world.Ann.PartyId, ["name"] = "x", ["@referredType"] = "Individual" }) });

        // Expired: the access token lifetime (15 min) passes on the server's clock.
        var annToken = world.Ann.Token;
        await Expect(app.Bearer(annToken), HttpMethod.Get, $"{Resources[0]}/{world.Ann.PartyId}", HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        foreach (var resource in Resources)
        {
            foreach (var (method, path) in Routes(resource, world.AnnOwns[resource]))
            {
                await Expect(app.Bearer(annToken), method, path, HttpStatusCode.Unauthorized);
            }
        }

        Assert.Empty(app.Errors.UnhandledRequests);
    }

    private static IEnumerable<(HttpMethod Method, string Path)> Routes(string resource, string id) =>
    [
        (HttpMethod.Get, resource), (HttpMethod.Post, resource), (HttpMethod.Get, $"{resource}/{id}"),
        (HttpMethod.Patch, $"{resource}/{id}"), (HttpMethod.Delete, $"{resource}/{id}"),
    ];

    private static async Task Expect(HttpClient client, HttpMethod method, string path, HttpStatusCode expected, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post || method == HttpMethod.Patch)
        {
            request.Content = TmfHttp.Json(body ?? new JsonObject { ["description"] = "probe" }, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        }

        using var response = await client.SendAsync(request);
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<List<string>> ListAsync(HttpClient client, string resource)
    {
        using var response = await client.GetAsync($"{resource}?limit=1000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).AsArray().Select(r => r!.Id())];
    }
}
