namespace Dialtone.Customers.Tests.Authorization;

/// <summary>A customer changes their own contact data and names, never what only care may change; nobody changes what the server assigns.</summary>
public sealed class PropertyLevel(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task ACustomerChangesTheirProfileButSettingStatusCreditLimitOrPartiesIsA400(TestDatabase database)
    {
        var app = apps.For(database);
        var cara = await Subscribers.SignUpAndSignInAsync(app, "Cara", "Cullen");
        var me = app.Bearer(cara.Token);
        var individual = $"{Subscribers.Party}/individual/{cara.PartyId}";
        var account = (await Subscribers.BillingAccountOfAsync(me, cara.PartyId)).Id();
        var billingAccount = $"{Subscribers.AccountApi}/billingAccount/{account}";
        var customer = $"{Subscribers.CustomerApi}/customer/{cara.CustomerId}";

        // Allowed: names, contact data (normalised), consents, the account's name.
        var changed = await PatchAsync(me, individual, new JsonObject
        {
            ["familyName"] = "Cullen-Nolan",
            ["contactMedium"] = new JsonArray(new JsonObject
            {
                ["mediumType"] = "mobile",
                ["characteristic"] = new JsonObject { ["phoneNumber"] = "+353 (86) 555-0101" },
            }),
        }, HttpStatusCode.OK);
        Assert.Equal("Cara Cullen-Nolan", changed!["formattedName"]!.GetValue<string>());
        Assert.Equal("+353865550101", changed["contactMedium"]![0]!["characteristic"]!["phoneNumber"]!.GetValue<string>());
        Assert.Equal("Household", (await PatchAsync(me, billingAccount, new JsonObject { ["name"] = "Household" }, HttpStatusCode.OK))!["name"]!.GetValue<string>());

        // Refused, naming the attribute: what care alone decides.
        await ExpectRefusal(me, individual, new JsonObject { ["status"] = "validated" }, "status");
        await ExpectRefusal(me, billingAccount, new JsonObject { ["creditLimit"] = new JsonObject { ["unit"] = "EUR", ["value"] = 10000 } }, "creditLimit");
        await ExpectRefusal(me, billingAccount, new JsonObject { ["state"] = "closed" }, "state");
        await ExpectRefusal(me, billingAccount, new JsonObject { ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "x", ["@referredType"] = "Individual" }) }, "relatedParty");
        var someoneElse = await app.Admin().PostJsonAsync($"{Subscribers.Party}/individual", new JsonObject { ["givenName"] = "Some", ["familyName"] = "One" });
        await ExpectRefusal(me, customer, new JsonObject { ["engagedParty"] = new JsonObject { ["id"] = someoneElse.Id(), ["@referredType"] = "Individual" } }, "engagedParty");
        await ExpectRefusal(me, customer, new JsonObject { ["status"] = "Suspended" }, "status");

        // The server's numbers are nobody's to set, not even care's.
        var agentEmail = $"agent.{Guid.NewGuid():N}@dialtone.example";
        await OAuthFlows.CreateStaffAsync(app, agentEmail, "agent");
        var agent = app.Bearer((await OAuthFlows.SignInAsync(app, agentEmail, OAuthFlows.Password, "openid care"))["access_token"]!.GetValue<string>());
        using (var renumber = await agent.PatchAsync(customer, TmfHttp.Json("""{"customerNumber":"C-0000001"}""", "application/merge-patch+json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, renumber.StatusCode);
            Assert.Equal("READ_ONLY_ATTRIBUTE", (await renumber.ReadJsonAsync())["code"]!.GetValue<string>());
        }

        using (var numbered = await agent.PostAsync($"{Subscribers.AccountApi}/billingAccount", TmfHttp.Json(new JsonObject
        {
            ["name"] = "x", ["accountNumber"] = "A-1",
            ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = cara.PartyId, ["name"] = "Cara", ["@referredType"] = "Individual" }),
        })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, numbered.StatusCode);
        }

        // Care may change what the customer may not, and the customer sees it.
        Assert.Equal("validated", (await PatchAsync(agent, individual, new JsonObject { ["status"] = "validated" }, HttpStatusCode.OK))!["status"]!.GetValue<string>());
        Assert.Equal(10000m, (await PatchAsync(agent, billingAccount, new JsonObject { ["creditLimit"] = new JsonObject { ["unit"] = "EUR", ["value"] = 10000 } }, HttpStatusCode.OK))!["creditLimit"]!["value"]!.GetValue<decimal>());
        Assert.Equal("validated", (await me.GetJsonAsync(individual))["status"]!.GetValue<string>());
        Assert.Empty(app.Errors.UnhandledRequests);
    }

    private static async Task ExpectRefusal(HttpClient client, string path, JsonObject patch, string attribute)
    {
        using var response = await client.PatchAsync(path, TmfHttp.Json(patch, "application/merge-patch+json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"PATCH {path} {patch.ToJsonString()}: {(int)response.StatusCode} {body}");
        Assert.Contains($"'{attribute}'", body, StringComparison.Ordinal);
        Assert.Equal("ATTRIBUTE_NOT_WRITABLE", JsonNode.Parse(body)!["code"]!.GetValue<string>());
    }

    private static async Task<JsonNode?> PatchAsync(HttpClient client, string path, JsonObject patch, HttpStatusCode expected)
    {
        using var response = await client.PatchAsync(path, TmfHttp.Json(patch, "application/merge-patch+json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"PATCH {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body);
    }
}
