namespace Dialtone.Identity.Tests.Tokens;

public sealed class TokenIssuance(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Categories = "/tmf-api/productCatalogManagement/v4/category";

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Fact]
    public async Task TheDiscoveryDocumentOffersCodeWithPkceClientCredentialsAndRefreshButNoPasswordGrant()
    {
        var discovery = await apps.For(TestDatabase.Sqlite).CreateClient().GetJsonAsync("/.well-known/openid-configuration");
        var grants = discovery["grant_types_supported"]!.AsArray().Select(g => g!.GetValue<string>()).ToList();
        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], grants.Order());
        Assert.Contains("S256", discovery["code_challenge_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Contains("nchf-convergedcharging", discovery["scopes_supported"]!.AsArray().Select(m => m!.GetValue<string>()));

        using var password = await apps.For(TestDatabase.Sqlite).CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "dialtone-portal", ["username"] = "a@b.c", ["password"] = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, password.StatusCode);
        Assert.Equal("unsupported_grant_type", (await password.ReadJsonAsync())["error"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AClientGetsATokenWithTheScopesItsRolesAllowAndTheApisHonourItsRoles(TestDatabase database)
    {
        var app = apps.For(database);
        await OAuthFlows.CreateClientAsync(app, "catalog-sync", "productManager");
        await OAuthFlows.CreateClientAsync(app, "smf-1", "network");
        var client = app.CreateClient();

        var catalogToken = await OAuthFlows.AccessTokenAsync(client, "catalog-sync", "catalog.write");
        using var created = await app.CreateClient().WithBearer(catalogToken).PostAsync(Categories, TmfHttp.Json("""{"name":"by token"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var networkToken = await OAuthFlows.AccessTokenAsync(client, "smf-1", "nchf-convergedcharging");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient().WithBearer(networkToken).PostAsync(Categories, TmfHttp.Json("""{"name":"x"}"""))).StatusCode);

        using var wrongScope = await OAuthFlows.ClientCredentialsAsync(client, "smf-1", "catalog.write");
        Assert.Equal(HttpStatusCode.BadRequest, wrongScope.StatusCode);
        using var wrongSecret = await OAuthFlows.ClientCredentialsAsync(client, "smf-1", "nchf-convergedcharging", "not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);

        var parts = catalogToken.Split('.');
        var tampered = $"{parts[0]}.{Pkce.Base64Url(System.Text.Encoding.UTF8.GetBytes("{\"sub\":\"catalog-sync\",\"role\":\"admin\"}"))}.{parts[2]}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().WithBearer(tampered).PostAsync(Categories, TmfHttp.Json("""{"name":"x"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync(Categories, TmfHttp.Json("""{"name":"x"}"""))).StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task APersonSignsInOnTheLoginPageWithPkceAndRefreshesTheirToken(TestDatabase database)
    {
        var app = apps.For(database);
        await OAuthFlows.EnsurePortalAsync(app);
        await OAuthFlows.CreateStaffAsync(app, "pm.login@dialtone.example", "productManager");

        var tokens = await OAuthFlows.SignInAsync(app, "pm.login@dialtone.example", OAuthFlows.Password, "openid offline_access catalog.write");
        var access = tokens["access_token"]!.GetValue<string>();
        Assert.NotNull(tokens["refresh_token"]);
        Assert.NotNull(tokens["id_token"]);
        Assert.Contains("catalog.write", tokens["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        using var created = await app.CreateClient().WithBearer(access).PostAsync(Categories, TmfHttp.Json("""{"name":"by a person"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var refreshed = await app.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "dialtone-portal", ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>(),
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(access, (await refreshed.ReadJsonAsync())["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAuthorizationRequestWithoutPkceIsRefused()
    {
        var app = apps.For(TestDatabase.Sqlite);
        await OAuthFlows.EnsurePortalAsync(app);
        using var browser = OAuthFlows.Browser(app);
        using var response = await browser.GetAsync($"/connect/authorize?response_type=code&client_id=dialtone-portal&redirect_uri={Uri.EscapeDataString(DialtoneApp.PortalRedirectUri)}&scope=openid");
        var location = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_request", location, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedWrongPasswordsLockTheAccount()
    {
        var app = apps.For(TestDatabase.Sqlite);
        await OAuthFlows.EnsurePortalAsync(app);
        await OAuthFlows.CreateStaffAsync(app, "agent.lock@dialtone.example", "agent");
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => OAuthFlows.SignInAsync(app, "agent.lock@dialtone.example", "wrong password", "openid"));
        }

        var locked = await Assert.ThrowsAsync<InvalidOperationException>(() => OAuthFlows.SignInAsync(app, "agent.lock@dialtone.example", OAuthFlows.Password, "openid"));
        Assert.Contains("locked", locked.Message, StringComparison.Ordinal);
    }
}
