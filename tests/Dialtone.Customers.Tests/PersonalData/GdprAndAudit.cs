using Dialtone.Parties.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Customers.Tests.PersonalData;

/// <summary>Consents, the GDPR export and erasure, and the append-only audit log that records them and care's reads.</summary>
public sealed class GdprAndAudit(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task ACustomerChangesConsentsExportsTheirDataAndIsErasedOnceNothingIsOwed(TestDatabase database)
    {
        var app = apps.For(database);
        var gina = await Subscribers.SignUpAndSignInAsync(app, "Gina", "Gallagher");
        var me = app.Bearer(gina.Token);
        var agentEmail = $"agent.{Guid.NewGuid():N}@dialtone.example";
        await OAuthFlows.CreateStaffAsync(app, agentEmail, "agent");
        var agent = app.Bearer((await OAuthFlows.SignInAsync(app, agentEmail, OAuthFlows.Password, "openid care"))["access_token"]!.GetValue<string>());
        var account = await Subscribers.BillingAccountOfAsync(me, gina.PartyId);
        var accountPath = $"{Subscribers.AccountApi}/billingAccount/{account.Id()}";

        // She is also the contact on her employer's account: that one is not hers to close.
        var employer = await agent.PostJsonAsync($"{Subscribers.Party}/individual", new JsonObject { ["givenName"] = "Employer", ["familyName"] = "Owner" });
        var employerAccount = await agent.PostJsonAsync($"{Subscribers.AccountApi}/partyAccount", new JsonObject
        {
            ["name"] = "Employer account",
            ["relatedParty"] = new JsonArray(
                new JsonObject { ["id"] = employer.Id(), ["name"] = "Employer Owner", ["role"] = "owner", ["@referredType"] = "Individual" },
                new JsonObject { ["id"] = gina.PartyId, ["name"] = "Gina Gallagher", ["role"] = "contact", ["@referredType"] = "Individual" }),
        });

        // A customer cannot claim to act on someone's behalf: the header counts from care only.
        using (var renamed = new HttpRequestMessage(HttpMethod.Patch, $"{Subscribers.Party}/individual/{gina.PartyId}"))
        {
            renamed.Content = TmfHttp.Json("""{"middleName":"Grace"}""", "application/merge-patch+json");
            renamed.Headers.Add("Dialtone-On-Behalf-Of", gina.PartyId);
            Assert.Equal(HttpStatusCode.OK, (await me.SendAsync(renamed)).StatusCode);
        }

        // Consents: as given at sign-up, then changed (an absent one keeps its value).
        Assert.Equal(new JsonObject { ["marketing"] = true, ["personalisedOffers"] = false }.ToJsonString(), (await me.GetJsonAsync("/selfservice/me/consents")).ToJsonString());
        using (var changed = await me.PutAsync("/selfservice/me/consents", TmfHttp.Json("""{"personalisedOffers": true}""")))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal("""{"marketing":true,"personalisedOffers":true}""", (await changed.ReadJsonAsync()).ToJsonString());
        }

        using (var wrongType = await me.PutAsync("/selfservice/me/consents", TmfHttp.Json("""{"marketing": "no"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/selfservice/me/consents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/selfservice/me/export")).StatusCode);

        // An agent reads her profile while on the phone with her: audited, on her behalf.
        using (var read = new HttpRequestMessage(HttpMethod.Get, $"{Subscribers.Party}/individual/{gina.PartyId}"))
        {
            read.Headers.Add("Dialtone-On-Behalf-Of", gina.PartyId);
            Assert.Equal(HttpStatusCode.OK, (await agent.SendAsync(read)).StatusCode);
        }

        // The export holds what every module has about her.
        var export = await me.GetJsonAsync("/selfservice/me/export");
        Assert.Equal(gina.PartyId, export["partyId"]!.GetValue<string>());
        Assert.Equal("Gina", export["modules"]!["parties"]!["individual"]![0]!["givenName"]!.GetValue<string>());
        Assert.Equal(gina.CustomerId, export["modules"]!["parties"]!["customers"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(account.Id(), export["modules"]!["accounts"]!["billingAccount"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(gina.Email, export["modules"]!["identity"]!["login"]!["email"]!.GetValue<string>());
        Assert.Contains("confirmation code", export["modules"]!["identity"]!["mails"]![0]!["body"]!.GetValue<string>(), StringComparison.Ordinal);

        // Money owed: erasure waits, and says why.
        using (var owes = await agent.PatchAsync(accountPath, TmfHttp.Json("""{"accountBalance":[{"balanceType":"due","amount":{"unit":"EUR","value":12.5},"validFor":{"startDateTime":"2026-11-01T00:00:00Z"}}]}""", "application/merge-patch+json")))
        {
            Assert.Equal(HttpStatusCode.OK, owes.StatusCode);
        }

        using (var refused = await me.PostAsync("/selfservice/me/erasure", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var error = await refused.ReadJsonAsync();
            Assert.Equal("ERASURE_REFUSED", error["code"]!.GetValue<string>());
            Assert.Contains("owes 12.5 EUR", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal("Gina", (await agent.GetJsonAsync($"{Subscribers.Party}/individual/{gina.PartyId}"))["givenName"]!.GetValue<string>());

        using (var paid = await agent.PatchAsync(accountPath, TmfHttp.Json("""{"accountBalance":[{"balanceType":"due","amount":{"unit":"EUR","value":0},"validFor":{"startDateTime":"2026-11-01T00:00:00Z"}}]}""", "application/merge-patch+json")))
        {
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        }

        using (var erased = await me.PostAsync("/selfservice/me/erasure", null))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
            Assert.Equal(["legacy", "accounts", "inventory", "ordering", "parties", "usage", "identity"], (await erased.ReadJsonAsync())["modules"]!.AsArray().Select(m => m!.GetValue<string>()));
        }

        // Pseudonymised everywhere; her login and mails are gone; she cannot be found by her email any more.
        var individual = await agent.GetJsonAsync($"{Subscribers.Party}/individual/{gina.PartyId}");
        Assert.Equal("Erased person", individual["formattedName"]!.GetValue<string>());
        Assert.Null(individual["contactMedium"]);
        Assert.Null(individual["birthDate"]);
        Assert.Equal("erased", individual["status"]!.GetValue<string>());
        Assert.Empty(await agent.GetJsonArrayAsync($"{Subscribers.Party}/individual?contactMedium.characteristic.emailAddress={Uri.EscapeDataString(gina.Email)}"));
        var customer = await agent.GetJsonAsync($"{Subscribers.CustomerApi}/customer/{gina.CustomerId}");
        Assert.Equal(gina.CustomerNumber, customer["name"]!.GetValue<string>());
        var closed = await agent.GetJsonAsync(accountPath);
        Assert.Equal("closed", closed["state"]!.GetValue<string>());
        Assert.Equal("Erased person", closed["relatedParty"]![0]!["name"]!.GetValue<string>());
        var stillOpen = await agent.GetJsonAsync($"{Subscribers.AccountApi}/partyAccount/{employerAccount.Id()}");
        Assert.Equal("active", stillOpen["state"]!.GetValue<string>());
        Assert.Equal([employer.Id()], stillOpen["relatedParty"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
        var gone = await Assert.ThrowsAsync<InvalidOperationException>(() => OAuthFlows.SignInAsync(app, gina.Email, OAuthFlows.Password, Subscribers.SelfServiceScopes));
        Assert.StartsWith("Login answered 400", gone.Message, StringComparison.Ordinal);
        Assert.Empty(await app.Admin().GetJsonArrayAsync($"/admin/mail?to={Uri.EscapeDataString(gina.Email)}"));

        // The audit log has it all: her consent change, care's read on her behalf, her export and erasure.
        var lines = await app.Admin().GetJsonArrayAsync($"/admin/audit?recordId={gina.PartyId}&limit=1000");
        string[] Actions(Func<JsonNode, bool> which) => [.. lines.Where(l => which(l!)).Select(l => l!["action"]!.GetValue<string>())];
        Assert.Contains("update", Actions(l => l["subject"]!.GetValue<string>() == SubjectOf(gina.Token) && l["details"]?.GetValue<string>() == "partyCharacteristic"));
        Assert.Null(lines.Single(l => l!["details"]?.GetValue<string>() == "middleName")!["onBehalfOf"]);
        var onBehalf = lines.Single(l => l!["action"]!.GetValue<string>() == "read" && l["onBehalfOf"]?.GetValue<string>() == gina.PartyId)!;
        Assert.Contains("agent", onBehalf["roles"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("dialtone-portal", onBehalf["clientId"]?.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", onBehalf["traceId"]!.GetValue<string>());
        Assert.Contains("export", Actions(l => l["subject"]!.GetValue<string>() == SubjectOf(gina.Token)));
        Assert.Contains("erase", Actions(l => l["subject"]!.GetValue<string>() == SubjectOf(gina.Token)));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/admin/audit")).StatusCode);
        Assert.Empty(app.Errors.UnhandledRequests);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AnAgentsListOfManyPeopleIsAuditedWithEveryId(TestDatabase database)
    {
        var app = apps.For(database);
        var admin = app.Admin();
        var ids = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add((await admin.PostJsonAsync($"{Subscribers.Party}/individual", new JsonObject { ["givenName"] = "Listed", ["familyName"] = $"Person {i}" })).Id());
        }

        var agent = app.ClientAs("agent-lists", "agent");
        var listed = await agent.GetJsonArrayAsync($"{Subscribers.Party}/individual?limit=1000");
        Assert.Superset(ids.ToHashSet(), listed.Select(p => p!.Id()).ToHashSet());
        var line = Assert.Single(await app.Admin().GetJsonArrayAsync($"/admin/audit?recordId={ids[^1]}&subject=agent-lists"))!;
        Assert.Equal("list", line["action"]!.GetValue<string>());
        Assert.All(ids, id => Assert.Contains(id, line["listedIds"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task TheDatabaseRefusesToChangeOrDeleteAnAuditLine(TestDatabase database)
    {
        var app = apps.For(database);
        await app.Admin().PostJsonAsync($"{Subscribers.Party}/individual", new JsonObject { ["givenName"] = "Audit", ["familyName"] = "Trail" });
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartiesDbContext>();
        Assert.True(await db.AuditLog.AnyAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditLog.ExecuteUpdateAsync(s => s.SetProperty(e => e.Action, "nothing")));
        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditLog.ExecuteDeleteAsync());
        Assert.True(await db.AuditLog.AnyAsync(e => e.Action == "create"));
    }

    private static string SubjectOf(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        return JsonNode.Parse(json)!["sub"]!.GetValue<string>();
    }
}
