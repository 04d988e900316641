using System.Text;

namespace Dialtone.Customers.Tests;

/// <summary>
/// Two subscribers (Ann and Ben), an agent, two partners with their own customers, and the wrong callers, each with a
/// real token; Ann and partner A each own one of every customer-data resource.
/// </summary>
public sealed record World(
    Subscriber Ann,
    Subscriber Ben,
    string Agent,
    string PartnerA,
    string PartnerB,
    string ProductManagerClient,
    string Network,
    string CustomerWithoutScope,
    string Tampered,
    IReadOnlyDictionary<string, string> AnnOwns,
    IReadOnlyDictionary<string, string> PartnerAOwns)
{
    public static async Task<World> BuildAsync(DialtoneApp app)
    {
        var ann = await Subscribers.SignUpAndSignInAsync(app, "Ann", "Ahern");
        var ben = await Subscribers.SignUpAndSignInAsync(app, "Ben", "Byrne");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var agentEmail = $"agent.{suffix}@dialtone.example";
        await OAuthFlows.CreateStaffAsync(app, agentEmail, "agent");
        var agent = (await OAuthFlows.SignInAsync(app, agentEmail, OAuthFlows.Password, "openid care"))["access_token"]!.GetValue<string>();
        var withoutScope = (await OAuthFlows.SignInAsync(app, ann.Email, OAuthFlows.Password, "openid"))["access_token"]!.GetValue<string>();

        var client = app.CreateClient();
        foreach (var (id, role) in new[] { ("partner-a-" + suffix, "partner"), ("partner-b-" + suffix, "partner"), ("pm-" + suffix, "productManager"), ("smf-" + suffix, "network") })
        {
            await OAuthFlows.CreateClientAsync(app, id, role);
        }

        var partnerA = await OAuthFlows.AccessTokenAsync(client, "partner-a-" + suffix, "partner");
        var partnerB = await OAuthFlows.AccessTokenAsync(client, "partner-b-" + suffix, "partner");
        var productManager = await OAuthFlows.AccessTokenAsync(client, "pm-" + suffix, "catalog.write");
        var network = await OAuthFlows.AccessTokenAsync(client, "smf-" + suffix, "nchf-convergedcharging");

        var agentClient = app.Bearer(agent);
        var annAccount = await Subscribers.BillingAccountOfAsync(app.Bearer(ann.Token), ann.PartyId);
        var annOwns = await OwnedSetAsync(agentClient, ann.PartyId, "Ann Ahern");
        annOwns[$"{Subscribers.Party}/individual"] = ann.PartyId;
        annOwns[$"{Subscribers.CustomerApi}/customer"] = ann.CustomerId;
        annOwns[$"{Subscribers.AccountApi}/billingAccount"] = annAccount.Id();

        var partnerClient = app.Bearer(partnerA);
        var person = await partnerClient.PostJsonAsync($"{Subscribers.Party}/individual", new JsonObject { ["givenName"] = "Pat", ["familyName"] = "Partner" });
        var partnerOwns = await OwnedSetAsync(partnerClient, person.Id(), "Pat Partner");
        partnerOwns[$"{Subscribers.Party}/individual"] = person.Id();
        partnerOwns[$"{Subscribers.CustomerApi}/customer"] = (await partnerClient.PostJsonAsync($"{Subscribers.CustomerApi}/customer",
            new JsonObject { ["name"] = "Pat's line", ["engagedParty"] = new JsonObject { ["id"] = person.Id(), ["@referredType"] = "Individual" } })).Id();
        partnerOwns[$"{Subscribers.AccountApi}/billingAccount"] = (await partnerClient.PostJsonAsync($"{Subscribers.AccountApi}/billingAccount", Account(person.Id(), "Pat Partner"))).Id();

        var parts = ann.Token.Split('.');
        var forged = Encoding.UTF8.GetBytes($"{{\"sub\":\"x\",\"role\":\"admin\",\"scope\":\"admin care\",\"dialtone_party\":\"{ben.PartyId}\"}}");
        var tampered = $"{parts[0]}.{Pkce.Base64Url(forged)}.{parts[2]}";
        return new World(ann, ben, agent, partnerA, partnerB, productManager, network, withoutScope, tampered, annOwns, partnerOwns);
    }

    /// <summary>An organization, a party account and a financial account related to <paramref name="partyId"/>, created by <paramref name="creator"/>.</summary>
    private static async Task<Dictionary<string, string>> OwnedSetAsync(HttpClient creator, string partyId, string name) => new()
    {
        [$"{Subscribers.Party}/organization"] = (await creator.PostJsonAsync($"{Subscribers.Party}/organization", new JsonObject
        {
            ["tradingName"] = name + " Ltd",
            ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = partyId, ["role"] = "director", ["@referredType"] = "Individual" }),
        })).Id(),
        [$"{Subscribers.AccountApi}/partyAccount"] = (await creator.PostJsonAsync($"{Subscribers.AccountApi}/partyAccount", Account(partyId, name))).Id(),
        [$"{Subscribers.AccountApi}/financialAccount"] = (await creator.PostJsonAsync($"{Subscribers.AccountApi}/financialAccount", Account(partyId, name))).Id(),
    };

    public static JsonObject Account(string partyId, string name) => new()
    {
        ["name"] = name + " account",
        ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = partyId, ["name"] = name, ["role"] = "owner", ["@referredType"] = "Individual" }),
    };
}
