namespace Dialtone.LegacySim.Tests;

/// <summary>Writes name the record version they read: the right one moves it on, a stale one is a version conflict.</summary>
[Collection(LegacySimCollection.Name)]
public sealed class CustomerUpdates(LegacySimFixture fixture)
{
    [Fact]
    public async Task AnUpdateWithTheCurrentVersionSucceedsAndBumpsTheVersion()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var before = await legacy.CustomerAsync("C00000101");

        var answer = await legacy.CallAsync("UpdateContact", ("CustomerId", "C00000101"), ("ExpectedVersion", before.Version()), ("Email", "updated.101@example.org"), ("Phone", "+4917099990101"));

        answer.EnsureNoFault();
        Assert.Equal(before.Version() + 1, answer.Number("NewVersion"));
        var after = await legacy.CustomerAsync("C00000101");
        Assert.Equal(before.Version() + 1, after.Version());
        Assert.Equal("updated.101@example.org", after.Field("Email"));
        Assert.Equal("+4917099990101", after.Field("Phone"));
        Assert.Equal(before.Field("Address"), after.Field("Address"));
    }

    [Fact]
    public async Task AnUpdateWithAStaleVersionGetsAVersionConflictWithTheCurrentVersion()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var version = (await legacy.CustomerAsync("C00000102")).Version();
        (await legacy.CallAsync("UpdateAddress", ("CustomerId", "C00000102"), ("ExpectedVersion", version), ("Address", "Neue Straße 1, 10115 Berlin"))).EnsureNoFault();

        var stale = await legacy.CallAsync("UpdateAddress", ("CustomerId", "C00000102"), ("ExpectedVersion", version), ("Address", "Alte Straße 2, 10115 Berlin"));

        Assert.Equal(HttpStatusCode.InternalServerError, stale.Status);
        Assert.Equal("soap:Client", stale.FaultCode);
        Assert.Equal("E1041 VERSION_CONFLICT", stale.LegacyError);
        Assert.Equal(version + 1, stale.CurrentVersion);
        Assert.Equal("Neue Straße 1, 10115 Berlin", (await legacy.CustomerAsync("C00000102")).Field("Address"));
    }

    [Fact]
    public async Task ARepeatedCallIsCarriedOutAgainWhateverItsIdempotencyKey()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var version = (await legacy.CustomerAsync("C00000103")).Version();
        var envelope = Envelope("UpdateAddress", ("CustomerId", "C00000103"), ("ExpectedVersion", version.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Address", "Ringstraße 3, 20095 Hamburg"));
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Legacy.BaseUrl) };

        var firstText = await PostWithKeyAsync(http, envelope);
        var secondText = await PostWithKeyAsync(http, envelope);

        Assert.Contains("NewVersion", firstText, StringComparison.Ordinal);
        Assert.Contains("E1041", secondText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlanChangeAndAStatusChangeMoveTheCustomersVersion()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var (customerId, subscription) = await LiveSubscriptionAsync(legacy, 110);
        var version = (await legacy.CustomerAsync(customerId)).Version();
        var newPlan = subscription.Field("PlanCode") == "PLN-L50" ? "PLN-M25" : "PLN-L50";

        var plan = await legacy.CallAsync("ChangePlan", ("CustomerId", customerId), ("ExpectedVersion", version), ("SubscriptionId", subscription.Field("SubscriptionId")), ("PlanCode", newPlan));
        var status = await legacy.CallAsync("ChangeStatus", ("CustomerId", customerId), ("ExpectedVersion", version + 1), ("SubscriptionId", subscription.Field("SubscriptionId")), ("Status", "20"));
        var unknownPlan = await legacy.CallAsync("ChangePlan", ("CustomerId", customerId), ("ExpectedVersion", version + 2), ("SubscriptionId", subscription.Field("SubscriptionId")), ("PlanCode", "NO-SUCH-PLAN"));
        var badStatus = await legacy.CallAsync("ChangeStatus", ("CustomerId", customerId), ("ExpectedVersion", version + 2), ("Status", "Q"));

        Assert.Equal(version + 1, plan.Number("NewVersion"));
        Assert.Equal(version + 2, status.Number("NewVersion"));
        Assert.Equal("E2010 UNKNOWN_PLAN_CODE", unknownPlan.LegacyError);
        Assert.Equal("E2011 INVALID_STATUS_CODE", badStatus.LegacyError);
        var after = (await legacy.CustomerAsync(customerId)).Subscriptions().Single(s => s.Field("SubscriptionId") == subscription.Field("SubscriptionId"));
        Assert.Equal(newPlan, after.Field("PlanCode"));
        Assert.Equal("20", after.Field("Status"));
    }

    [Fact]
    public async Task AnUpdateThatChangesNothingKeepsTheVersion()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var before = await legacy.CustomerAsync("C00000104");

        var answer = await legacy.CallAsync("UpdateAddress", ("CustomerId", "C00000104"), ("ExpectedVersion", before.Version()), ("Address", before.Field("Address") ?? ""));

        Assert.Equal(before.Version(), answer.Number("NewVersion"));
    }

    [Fact]
    public async Task AWriteWithoutACallerIsRefused()
    {
        using var anonymous = new LegacyClient(fixture.Legacy.BaseUrl) { System = null };

        var answer = await anonymous.CallAsync("UpdateContact", ("CustomerId", "C00000105"), ("ExpectedVersion", 1), ("Email", "x@example.org"));

        Assert.Equal("E1005 CALLER_REQUIRED", answer.LegacyError);
    }

    [Fact]
    public async Task ALockedRecordRefusesWritesUntilReleased()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var version = (await legacy.CustomerAsync("C00000106")).Version();
        (await fixture.Legacy.AdminAsync(HttpMethod.Put, "/admin/locks/C00000106")).EnsureSuccessStatusCode();

        var locked = await legacy.CallAsync("UpdateContact", ("CustomerId", "C00000106"), ("ExpectedVersion", version), ("Phone", "030 1234567"));
        (await fixture.Legacy.AdminAsync(HttpMethod.Delete, "/admin/locks/C00000106")).EnsureSuccessStatusCode();
        var released = await legacy.CallAsync("UpdateContact", ("CustomerId", "C00000106"), ("ExpectedVersion", version), ("Phone", "030 1234567"));

        Assert.Equal("E1042 RECORD_LOCKED", locked.LegacyError);
        Assert.Equal("soap:Server", locked.FaultCode);
        Assert.Equal(version + 1, released.Number("NewVersion"));
    }

    [Fact]
    public async Task AnErasedCustomerKeepsBillsButNoPersonalDataAndCannotChange()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var before = await legacy.CustomerAsync("C00000107");
        var account = before.Accounts().First().Field("AccountId");
        var bills = (await legacy.CallAsync("GetBillHistory", ("AccountId", account))).Content.Descendants(LegacyClient.Crm + "Bill").Count();

        var erased = await legacy.CallAsync("EraseCustomer", ("CustomerId", "C00000107"), ("ExpectedVersion", before.Version()));
        var after = await legacy.CustomerAsync("C00000107");
        var update = await legacy.CallAsync("UpdateContact", ("CustomerId", "C00000107"), ("ExpectedVersion", before.Version() + 1), ("Email", "back@example.org"));

        Assert.Equal(before.Version() + 1, erased.Number("NewVersion"));
        Assert.Equal("X", after.Field("Status"));
        Assert.Equal("*****", after.Field("LastName"));
        Assert.Null(after.Field("Email"));
        Assert.Null(after.Field("BirthDate"));
        Assert.Null(after.Field("Address"));
        Assert.Equal(bills, (await legacy.CallAsync("GetBillHistory", ("AccountId", account))).Content.Descendants(LegacyClient.Crm + "Bill").Count());
        Assert.Equal("E1043 RECORD_ERASED", update.LegacyError);
    }

    internal static async Task<(string CustomerId, XElement Subscription)> LiveSubscriptionAsync(LegacyClient legacy, int from)
    {
        for (var number = from; ; number++)
        {
            var id = "C" + number.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var customer = await legacy.CustomerAsync(id);
            if (customer.Field("Status") == "A" && customer.Subscriptions().FirstOrDefault(s => s.Field("Status") == "10") is { } subscription)
            {
                return (id, subscription);
            }
        }
    }

    private static string Envelope(string operation, params (string Name, string Value)[] fields) =>
        new XElement(LegacyClient.Soap + "Envelope",
            new XElement(LegacyClient.Soap + "Header", new XElement(LegacyClient.Crm + "Caller", new XElement(LegacyClient.Crm + "System", "DIALTONE"), new XElement(LegacyClient.Crm + "User", "u"))),
            new XElement(LegacyClient.Soap + "Body", new XElement(LegacyClient.Crm + operation, fields.Select(f => new XElement(LegacyClient.Crm + f.Name, f.Value))))).ToString();

    private static async Task<string> PostWithKeyAsync(HttpClient http, string envelope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/CustomerService") { Content = new StringContent(envelope, System.Text.Encoding.UTF8, "text/xml") };
        request.Headers.Add("Idempotency-Key", "same-key-both-times");
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
