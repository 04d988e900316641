using Dialtone.Legacy.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.BillHistory;

/// <summary>
/// Serving while legacy is down: self-service reads come from Dialtone's store, the bill history (which lives only in
/// legacy) is read through with a cache and served stale, flagged, during an outage; 503 only when nothing is cached.
/// </summary>
public sealed class LegacyBillHistory(SmallLegacySim sim) : IClassFixture<SmallLegacySim>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ServesFreshThenStaleFromTheCacheDuringAnOutageAnd503WhenNothingIsCached(TestDatabase database)
    {
        await using var app = LegacyWorld.App(database, sim.Legacy);
        var people = await LegacyWorld.ImportAsync(app);
        var (reader, other, neverRead) = (people[0], people[1], people[2]);
        var customer = LegacyWorld.Customer(app, reader);
        var path = $"/legacy/customers/{reader.CustomerId}/billHistory";

        using (var fresh = await customer.GetAsync(path))
        {
            var body = await fresh.Content.ReadAsStringAsync();
            Assert.True(fresh.StatusCode == HttpStatusCode.OK, body + string.Join("\n", app.Errors.Entries));
            Assert.False(fresh.Headers.Contains("X-Dialtone-Stale"));
            var history = JsonNode.Parse(body)!;
            Assert.Equal("legacy", history["source"]!.GetValue<string>());
            Assert.False(history["stale"]!.GetValue<bool>());
            Assert.Equal(await LegacyBillCountAsync(reader.LegacyId), history["bills"]!.AsArray().Count);
            Assert.NotEmpty(history["bills"]!.AsArray());
            Assert.Equal("EUR", history["bills"]![0]!["amountDue"]!["unit"]!.GetValue<string>());
        }

        await sim.Legacy.SetFaultsAsync(outage: true);
        try
        {
            using (var stale = await customer.GetAsync(path))
            {
                var body = await stale.Content.ReadAsStringAsync();
                Assert.True(stale.StatusCode == HttpStatusCode.OK, body);
                Assert.Equal("true", stale.Headers.GetValues("X-Dialtone-Stale").Single());
                Assert.True(int.Parse(stale.Headers.GetValues("Age").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 0);
                var history = JsonNode.Parse(body)!;
                Assert.True(history["stale"]!.GetValue<bool>());
                Assert.Equal("cache", history["source"]!.GetValue<string>());
                Assert.NotEmpty(history["bills"]!.AsArray());
            }

            using (var nothing = await LegacyWorld.Agent(app).GetAsync($"/legacy/customers/{neverRead.CustomerId}/billHistory"))
            {
                var body = await nothing.Content.ReadAsStringAsync();
                Assert.True(nothing.StatusCode == HttpStatusCode.ServiceUnavailable, body);
                Assert.Equal("7", nothing.Headers.GetValues("Retry-After").Single());
                Assert.Equal("LEGACY_UNAVAILABLE", JsonNode.Parse(body)!["code"]!.GetValue<string>());
            }

            // Dialtone's own data does not depend on legacy at all.
            Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync($"/tmf-api/party/v4/individual/{reader.PartyId}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync($"/tmf-api/customerManagement/v4/customer/{reader.CustomerId}")).StatusCode);
            using var accounts = await customer.GetAsync($"/tmf-api/accountManagement/v4/billingAccount?relatedParty.id={reader.PartyId}");
            Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
            Assert.NotEmpty(JsonNode.Parse(await accounts.Content.ReadAsStringAsync())!.AsArray());
        }
        finally
        {
            await sim.Legacy.SetFaultsAsync();
        }

        // After the outage (once the circuit lets a call through again) legacy answers afresh; agents read anyone's.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        while ((status = (await LegacyWorld.Agent(app).GetAsync($"/legacy/customers/{other.CustomerId}/billHistory")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        using var again = await customer.GetAsync(path);
        Assert.False(again.Headers.Contains("X-Dialtone-Stale"));
        Assert.Empty(app.Errors.Unexpected);
    }

    [Fact]
    public async Task ACustomerReadsOnlyTheirOwnAndBadInputIsNever500()
    {
        await using var app = LegacyWorld.App(TestDatabase.Sqlite, sim.Legacy);
        var people = await LegacyWorld.ImportAsync(app);
        var customer = LegacyWorld.Customer(app, people[3]);

        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/legacy/customers/{people[4].CustomerId}/billHistory")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync("/legacy/customers/no-such-customer/billHistory")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/legacy/customers/{new string('x', 300)}/billHistory")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/legacy/customers/{people[3].CustomerId}/billHistory")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs("partner-1", "partner").GetAsync($"/legacy/customers/{people[3].CustomerId}/billHistory")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync($"/legacy/customers/{people[3].CustomerId}/billHistory")).StatusCode);
        Assert.Empty(app.Errors.Unexpected);
    }

    /// <summary>
    /// A customer's first bill history read is under way (legacy has answered) when the customer has themself erased:
    /// the read still answers, but the erased person's bills are not left in the cache, though the erasure had
    /// already deleted it when the read saved.
    /// </summary>
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task AReadThatLegacyAnsweredBeforeTheCustomersErasureLeavesNothingCached(TestDatabase database)
    {
        var hook = new BillHistorySaveHook();
        await using var app = LegacyWorld.App(database, sim.Legacy, services: s => LegacyWorld.Intercept(s, hook));
        var person = (await LegacyWorld.ImportAsync(app))[database == TestDatabase.Sqlite ? 10 : 11];
        var customer = LegacyWorld.Customer(app, person);
        HttpStatusCode? erasure = null;
        hook.OtherWriter = async ct =>
        {
            using var erased = await customer.PostAsync("/selfservice/me/erasure", null, ct);
            erasure = erased.StatusCode;
        };
        hook.Arm(person.CustomerId);

        using var read = await customer.GetAsync($"/legacy/customers/{person.CustomerId}/billHistory");

        Assert.Equal((HttpStatusCode.OK, 1, HttpStatusCode.OK), (read.StatusCode, hook.Fired, erasure));
        await using var scope = app.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<LegacyDbContext>().BillHistoryCache.AnyAsync(c => c.CustomerId == person.CustomerId));
        Assert.Empty(app.Errors.Unexpected);
    }

    private async Task<int> LegacyBillCountAsync(string legacyId)
    {
        var legacy = await LegacyWorld.LegacyCustomerAsync(sim.Legacy, legacyId);
        var count = 0;
        foreach (var account in legacy.Descendants(LegacyWorld.Crm + "Account"))
        {
            var id = account.Field("AccountId");
            using var http = new HttpClient { BaseAddress = new Uri(sim.Legacy.BaseUrl) };
            var envelope = $"""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:crm="urn:dialtone:legacysim:crm:1"><soap:Body><crm:GetBillHistory><crm:AccountId>{id}</crm:AccountId></crm:GetBillHistory></soap:Body></soap:Envelope>""";
            using var response = await http.PostAsync("legacy/CustomerService", new StringContent(envelope, System.Text.Encoding.UTF8, "text/xml"));
            count += System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(LegacyWorld.Crm + "Bill").Count();
        }

        return count;
    }
}
