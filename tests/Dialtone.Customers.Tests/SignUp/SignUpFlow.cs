namespace Dialtone.Customers.Tests.SignUp;

public sealed class SignUpFlow(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task ASubscriberSignsUpConfirmsTheCodeSignsInAndFindsTheirPartyCustomerAndBillingAccount(TestDatabase database)
    {
        var app = apps.For(database);
        await OAuthFlows.EnsurePortalAsync(app);
        var (email, phone) = Subscribers.NewContact("Zoë", "O'Brien");

        using var response = await app.CreateClient().PostAsync("/selfservice/signup", TmfHttp.Json(Subscribers.SignUpBody("Zoë", "O'Brien & Co", " " + email.ToUpperInvariant(), "+353 86 " + phone[6..])));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync() + string.Join("\n", app.Errors.Entries));
        Assert.Equal("pending", (await response.ReadJsonAsync())["emailConfirmation"]!.GetValue<string>());

        // Not before the email is confirmed (the login page refuses it with 400, not a rate limit); a wrong code is refused and counts as a failed sign-in.
        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => OAuthFlows.SignInAsync(app, email, OAuthFlows.Password, Subscribers.SelfServiceScopes));
        Assert.StartsWith("Login answered 400", early.Message, StringComparison.Ordinal);
        // A new code retires the first one.
        var first = await Subscribers.ConfirmationCodeAsync(app, email);
        using (var resent = await app.CreateClient().PostAsync("/selfservice/signup/resend", TmfHttp.Json(new JsonObject { ["email"] = email })))
        {
            Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        }

        var code = await Subscribers.ConfirmationCodeAsync(app, email);
        Assert.NotEqual(first, code);
        var wrong = code == "000000" ? "111111" : "000000";
        using (var refused = await app.CreateClient().PostAsync("/selfservice/signup/confirm", TmfHttp.Json(new JsonObject { ["email"] = email, ["code"] = wrong })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("INVALID_CODE", (await refused.ReadJsonAsync())["code"]!.GetValue<string>());
        }

        using (var confirmed = await app.CreateClient().PostAsync("/selfservice/signup/confirm", TmfHttp.Json(new JsonObject { ["email"] = email, ["code"] = code })))
        {
            Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        }

        var tokens = await OAuthFlows.SignInAsync(app, email, OAuthFlows.Password, Subscribers.SelfServiceScopes);
        var me = app.Bearer(tokens["access_token"]!.GetValue<string>());
        var mine = await me.GetJsonArrayAsync($"{Subscribers.CustomerApi}/customer");
        var customer = Assert.Single(mine)!;
        Assert.Matches("^C-[0-9]{7}$", customer["customerNumber"]!.GetValue<string>());
        var partyId = customer["engagedParty"]!["id"]!.GetValue<string>();

        var individual = await me.GetJsonAsync($"{Subscribers.Party}/individual/{partyId}");
        Assert.Equal("Zoë", individual["givenName"]!.GetValue<string>());
        Assert.Equal("O'Brien & Co", individual["familyName"]!.GetValue<string>());
        Assert.Equal("initialized", individual["status"]!.GetValue<string>());
        var contact = individual["contactMedium"]!.AsArray();
        Assert.Equal(email, contact.Single(m => m!["mediumType"]!.GetValue<string>() == "email")!["characteristic"]!["emailAddress"]!.GetValue<string>());
        Assert.Equal(phone, contact.Single(m => m!["mediumType"]!.GetValue<string>() == "mobile")!["characteristic"]!["phoneNumber"]!.GetValue<string>());
        var consents = individual["partyCharacteristic"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["value"]!.GetValue<bool>());
        Assert.True(consents["marketingConsent"]);
        Assert.False(consents["personalisedOffersConsent"]);

        Assert.Equal("Individual", customer["engagedParty"]!["@referredType"]!.GetValue<string>());

        var account = await Subscribers.BillingAccountOfAsync(me, partyId);
        Assert.Matches("^A-[0-9]{7}$", account["accountNumber"]!.GetValue<string>());
        Assert.Equal("active", account["state"]!.GetValue<string>());
        Assert.Equal("owner", account["relatedParty"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("Zoë O'Brien & Co", account["relatedParty"]![0]!["name"]!.GetValue<string>());
        Assert.NotNull(account["lastModified"]);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task ABadSignUpIsAClear4xxAndLeavesNoLoginBehind(TestDatabase database)
    {
        var app = apps.For(database);
        var client = app.CreateClient();
        var (email, phone) = Subscribers.NewContact("Bad", "Input");

        async Task<(HttpStatusCode Status, string? Code)> SignUp(HttpContent content)
        {
            using var response = await client.PostAsync("/selfservice/signup", content);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)?["code"]?.GetValue<string>());
        }

        JsonObject Body(Action<JsonObject> change)
        {
            var body = Subscribers.SignUpBody("Bad", "Input", email, phone);
            change(body);
            return body;
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json("{\"givenName\": "))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b.Remove("email"))))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b["address"] = "Galway")))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b["consents"] = new JsonObject { ["marketing"] = "yes" })))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b["unexpected"] = 1)))).Status);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_EMAIL"), await SignUp(TmfHttp.Json(Body(b => b["email"] = "not-an-email"))));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PHONE_NUMBER"), await SignUp(TmfHttp.Json(Body(b => b["phoneNumber"] = "086 123"))));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ATTRIBUTE"), await SignUp(TmfHttp.Json(Body(b => b["address"]!["country"] = "Ireland"))));
        Assert.Equal((HttpStatusCode.BadRequest, "WEAK_PASSWORD"), await SignUp(TmfHttp.Json(Body(b => b["password"] = "short"))));
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b["address"] = null)))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b["password"] = null)))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b["email"] = null)))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SignUp(TmfHttp.Json(Body(b => b["address"]!["city"] = null)))).Status);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_EMAIL"), await SignUp(TmfHttp.Json(Body(b => b["email"] = new string('a', 140) + "@example.com"))));
        using (var nullCode = await client.PostAsync("/selfservice/signup/confirm", TmfHttp.Json("""{"email": null, "code": null}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nullCode.StatusCode);
        }
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await SignUp(TmfHttp.Json(Body(_ => { }).ToJsonString(), "text/plain"))).Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await SignUp(TmfHttp.Json(Body(b => b["givenName"] = new string('x', 2 * 1024 * 1024))))).Status);

        // None of those left a login or a mail behind: the address is still free.
        using (var mails = await app.Admin().GetAsync($"/admin/mail?to={Uri.EscapeDataString(email)}"))
        {
            Assert.Empty((await mails.ReadJsonAsync()).AsArray());
        }

        Assert.Equal(HttpStatusCode.Accepted, (await SignUp(TmfHttp.Json(Body(_ => { })))).Status);

        // The same address again answers exactly like a new one (no probing); its owner is told by mail, nothing is created twice.
        Assert.Equal((HttpStatusCode.Accepted, null), await SignUp(TmfHttp.Json(Body(b => b["email"] = email.ToUpperInvariant()))));
        var warned = await app.Admin().GetJsonArrayAsync($"/admin/mail?to={Uri.EscapeDataString(email)}");
        Assert.Equal(["Someone tried to sign up with your address", "Your Dialtone confirmation code"], warned.Select(m => m!["subject"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "WEAK_PASSWORD"), await SignUp(TmfHttp.Json(Body(b => b["password"] = "short"))));
        Assert.Empty(app.Errors.UnhandledRequests);
    }
}
