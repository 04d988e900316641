namespace Dialtone.Customers.Tests.Care;

/// <summary>An agent finds a customer by exact email, mobile number, name, customer number or account number.</summary>
public sealed class FindingCustomers(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task AnAgentFindsACustomerByEmailPhoneNameCustomerNumberAndAccountNumber(TestDatabase database)
    {
        var app = apps.For(database);
        var dara = await Subscribers.SignUpAndSignInAsync(app, "Dara", "Ó Dónaill");
        await Subscribers.SignUpAndSignInAsync(app, "Dara", "Kelly");
        var account = await Subscribers.BillingAccountOfAsync(app.Bearer(dara.Token), dara.PartyId);
        var agentEmail = $"agent.{Guid.NewGuid():N}@dialtone.example";
        await OAuthFlows.CreateStaffAsync(app, agentEmail, "agent");
        var agent = app.Bearer((await OAuthFlows.SignInAsync(app, agentEmail, OAuthFlows.Password, "openid care"))["access_token"]!.GetValue<string>());

        async Task<string> OnlyId(string path)
        {
            using var response = await agent.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {body}");
            return Assert.Single(JsonNode.Parse(body)!.AsArray())!.Id();
        }

        Assert.Equal(dara.PartyId, await OnlyId($"{Subscribers.Party}/individual?contactMedium.characteristic.emailAddress={Uri.EscapeDataString(dara.Email)}"));
        Assert.Equal(dara.PartyId, await OnlyId($"{Subscribers.Party}/individual?contactMedium.characteristic.phoneNumber={Uri.EscapeDataString(dara.Phone)}"));
        Assert.Equal(dara.PartyId, await OnlyId($"{Subscribers.Party}/individual?givenName=Dara&familyName={Uri.EscapeDataString("Ó Dónaill")}"));
        Assert.Equal(dara.CustomerId, await OnlyId($"{Subscribers.CustomerApi}/customer?customerNumber={dara.CustomerNumber}"));
        Assert.Equal(dara.CustomerId, await OnlyId($"{Subscribers.CustomerApi}/customer?engagedParty.id={dara.PartyId}"));
        Assert.Equal(account.Id(), await OnlyId($"{Subscribers.AccountApi}/billingAccount?accountNumber={account["accountNumber"]!.GetValue<string>()}"));

        // Personal attributes are stored encrypted and indexed by keyed hash: exact search only, and the 400 says why.
        foreach (var refused in new[] { "sort=familyName", "sort=-contactMedium.characteristic.emailAddress", "familyName.gt=A" })
        {
            using var response = await agent.GetAsync($"{Subscribers.Party}/individual?{refused}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{refused}: {(int)response.StatusCode} {body}");
            Assert.Contains("personal data", body, StringComparison.Ordinal);
        }

        // Numbers are unique and increase: a second customer got the next one.
        using var byNumber = await agent.GetAsync($"{Subscribers.CustomerApi}/customer?sort=customerNumber&limit=1000");
        var numbers = (await byNumber.ReadJsonAsync()).AsArray().Select(c => c!["customerNumber"]!.GetValue<string>()).ToList();
        Assert.Equal(numbers.Distinct().Count(), numbers.Count);
        Assert.Equal(numbers.Order(StringComparer.Ordinal), numbers);
    }
}
