namespace Dialtone.Customers.Tests.Authorization;

/// <summary>
/// A family plan in TMF666 terms: the payer holds the billing account; each member's line is billed through a party
/// account that names the member (role <c>member</c>) and the payer (role <c>payer</c>). The payer sees every member's
/// account, a member sees only their own and never the payer's billing account.
/// </summary>
public sealed class FamilyPlan(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task ThePayerSeesTheMembersAccountsAndAMemberSeesOnlyTheirOwn(TestDatabase database)
    {
        var app = apps.For(database);
        var payer = await Subscribers.SignUpAndSignInAsync(app, "Fiona", "Family");
        var member = await Subscribers.SignUpAndSignInAsync(app, "Finn", "Family");
        var otherMember = await Subscribers.SignUpAndSignInAsync(app, "Freya", "Family");
        var familyAccount = await Subscribers.BillingAccountOfAsync(app.Bearer(payer.Token), payer.PartyId);
        var agent = app.ClientAs("agent-family", "agent");

        async Task<string> MemberAccountAsync(Subscriber who, string name) =>
            (await agent.PostJsonAsync($"{Subscribers.AccountApi}/partyAccount", new JsonObject
            {
                ["name"] = name,
                ["accountRelationship"] = new JsonArray(new JsonObject
                {
                    ["relationshipType"] = "billedThrough",
                    ["account"] = new JsonObject { ["id"] = familyAccount.Id(), ["name"] = "Family plan" },
                    ["validFor"] = new JsonObject { ["startDateTime"] = "2026-11-01T00:00:00Z" },
                }),
                ["relatedParty"] = new JsonArray(
                    new JsonObject { ["id"] = who.PartyId, ["name"] = name, ["role"] = "member", ["@referredType"] = "Individual" },
                    new JsonObject { ["id"] = payer.PartyId, ["name"] = "Fiona Family", ["role"] = "payer", ["@referredType"] = "Individual" }),
            })).Id();

        var finnsLine = await MemberAccountAsync(member, "Finn's line");
        var freyasLine = await MemberAccountAsync(otherMember, "Freya's line");

        var payerSees = (await app.Bearer(payer.Token).GetJsonArrayAsync($"{Subscribers.AccountApi}/partyAccount")).Select(a => a!.Id()).ToList();
        Assert.Equal([finnsLine, freyasLine], payerSees.Order(StringComparer.Ordinal));

        var finn = app.Bearer(member.Token);
        Assert.Equal([finnsLine], (await finn.GetJsonArrayAsync($"{Subscribers.AccountApi}/partyAccount")).Select(a => a!.Id()));
        Assert.Equal(HttpStatusCode.NotFound, (await finn.GetAsync($"{Subscribers.AccountApi}/partyAccount/{freyasLine}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await finn.GetAsync($"{Subscribers.AccountApi}/billingAccount/{familyAccount.Id()}")).StatusCode);
        Assert.DoesNotContain(familyAccount.Id(), (await finn.GetJsonArrayAsync($"{Subscribers.AccountApi}/billingAccount")).Select(a => a!.Id()));
    }
}
