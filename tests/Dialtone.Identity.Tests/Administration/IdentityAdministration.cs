namespace Dialtone.Identity.Tests.Administration;

public sealed class IdentityAdministration(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    private static async Task<HttpClient> AdminAsync(DialtoneApp app)
    {
        await OAuthFlows.EnsurePortalAsync(app);
        await OAuthFlows.CreateStaffAsync(app, "first.admin@dialtone.example", "admin");
        var tokens = await OAuthFlows.SignInAsync(app, "first.admin@dialtone.example", OAuthFlows.Password, "openid admin");
        return app.CreateClient().WithBearer(tokens["access_token"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AnAdminCreatesAnAgentWhoCanThenSignIn(TestDatabase database)
    {
        var app = apps.For(database);
        var admin = await AdminAsync(app);
        var email = $"agent.{Guid.NewGuid():N}@dialtone.example";

        var agent = await admin.PostJsonAsync("/admin/staff", new JsonObject { ["email"] = email, ["role"] = "agent" });
        var password = agent["initialPassword"]!.GetValue<string>();
        Assert.True(password.Length >= 20);
        var tokens = await OAuthFlows.SignInAsync(app, email, password, "openid care");
        Assert.Contains("care", tokens["scope"]!.GetValue<string>(), StringComparison.Ordinal);

        using var duplicate = await admin.PostAsync("/admin/staff", TmfHttp.Json(new JsonObject { ["email"] = email, ["role"] = "agent" }));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        using var badRole = await admin.PostAsync("/admin/staff", TmfHttp.Json(new JsonObject { ["email"] = "x@dialtone.example", ["role"] = "customer" }));
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AnAdminCreatesAClientAndRotatingItsSecretRetiresTheOldOne(TestDatabase database)
    {
        var app = apps.For(database);
        var admin = await AdminAsync(app);
        var clientId = $"partner-{Guid.NewGuid():N}"[..20];
        var created = await admin.PostJsonAsync("/admin/clients", new JsonObject { ["clientId"] = clientId, ["displayName"] = "Acme MVNO", ["roles"] = new JsonArray("partner") });
        var first = created["secret"]!.GetValue<string>();
        var anonymous = app.CreateClient();
        using (var ok = await OAuthFlows.ClientCredentialsAsync(anonymous, clientId, "partner", first))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var rotated = await admin.PostJsonAsync($"/admin/clients/{clientId}/secret", new JsonObject(), expectedStatus: 200);
        var second = rotated["secret"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        using (var old = await OAuthFlows.ClientCredentialsAsync(anonymous, clientId, "partner", first))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var fresh = await OAuthFlows.ClientCredentialsAsync(anonymous, clientId, "partner", second))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        var listed = (await (await admin.GetAsync("/admin/clients")).ReadJsonAsync()).AsArray();
        Assert.Contains(listed, c => c!["clientId"]!.GetValue<string>() == clientId && c["secret"] is null);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/admin/clients/nobody/secret", null)).StatusCode);
    }

    [Fact]
    public async Task OnlyAnAdminTokenWithTheAdminScopeAdministersAndCatalogWritesNeedTheirScope()
    {
        var app = apps.For(TestDatabase.Sqlite);
        await OAuthFlows.EnsurePortalAsync(app);
        await OAuthFlows.CreateStaffAsync(app, "pm.scope@dialtone.example", "productManager");
        await OAuthFlows.CreateStaffAsync(app, "admin.noscope@dialtone.example", "admin");

        var pmWithoutScope = (await OAuthFlows.SignInAsync(app, "pm.scope@dialtone.example", OAuthFlows.Password, "openid"))["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient().WithBearer(pmWithoutScope).PostAsync("/tmf-api/productCatalogManagement/v4/category", TmfHttp.Json("""{"name":"x"}"""))).StatusCode);

        var pm = (await OAuthFlows.SignInAsync(app, "pm.scope@dialtone.example", OAuthFlows.Password, "openid catalog.write admin"))["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient().WithBearer(pm).GetAsync("/admin/clients")).StatusCode);

        var adminWithoutScope = (await OAuthFlows.SignInAsync(app, "admin.noscope@dialtone.example", OAuthFlows.Password, "openid"))["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient().WithBearer(adminWithoutScope).GetAsync("/admin/clients")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/admin/clients")).StatusCode);
    }
}
