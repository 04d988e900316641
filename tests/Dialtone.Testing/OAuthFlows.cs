using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dialtone.Identity.Domain;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Dialtone.Testing;

/// <summary>Real tokens from the real endpoints, the way a client gets them.</summary>
public static partial class OAuthFlows
{
    public const string Password = "Correct-horse-battery-1";

    public static async Task CreateStaffAsync(DialtoneApp app, string email, string role)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IdentityAccounts>().CreateStaffAsync(email, Password, role);
    }

    public static async Task CreateClientAsync(DialtoneApp app, string clientId, params string[] roles)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IdentityAccounts>().CreateMachineClientAsync(clientId, clientId + "-secret", clientId, roles);
    }

    public static async Task EnsurePortalAsync(DialtoneApp app)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IdentityAccounts>().CreatePortalClientAsync("dialtone-portal", [DialtoneApp.PortalRedirectUri]);
    }

    public static async Task<HttpResponseMessage> ClientCredentialsAsync(HttpClient client, string clientId, string scope, string? secret = null) =>
        await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret ?? clientId + "-secret",
            ["scope"] = scope,
        }));

    public static async Task<string> AccessTokenAsync(HttpClient client, string clientId, string scope)
    {
        using var response = await ClientCredentialsAsync(client, clientId, scope);
        var body = await response.ReadJsonAsync();
        return body["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException(body.ToJsonString());
    }

    public static HttpClient Browser(DialtoneApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Authorization code + PKCE through the login page; returns the token response.</summary>
    public static async Task<JsonObject> SignInAsync(DialtoneApp app, string email, string password, string scope)
    {
        using var browser = Browser(app);
        var pkce = Pkce.Create();
        var authorize = $"/connect/authorize?response_type=code&client_id=dialtone-portal&redirect_uri={Uri.EscapeDataString(DialtoneApp.PortalRedirectUri)}" +
                        $"&scope={Uri.EscapeDataString(scope)}&code_challenge={pkce.Challenge}&code_challenge_method=S256&state=xyz";

        using var toLogin = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        var loginUrl = toLogin.Headers.Location!.ToString();
        Assert.Contains("/account/login", loginUrl, StringComparison.Ordinal);

        using var loginPage = await browser.GetAsync(loginUrl);
        var html = await loginPage.Content.ReadAsStringAsync();
        using var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [Hidden(html, "__RequestVerificationToken").Name] = Hidden(html, "__RequestVerificationToken").Value,
            ["returnUrl"] = WebUtility.HtmlDecode(Hidden(html, "returnUrl").Value),
            ["email"] = email,
            ["password"] = password,
        }));
        if (login.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Login answered {(int)login.StatusCode}: {await login.Content.ReadAsStringAsync()}");
        }

        using var back = await browser.GetAsync(login.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var callback = new Uri(back.Headers.Location!.ToString());
        Assert.StartsWith(DialtoneApp.PortalRedirectUri, callback.ToString(), StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("xyz", query["state"].ToString());

        using var token = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = DialtoneApp.PortalRedirectUri,
            ["client_id"] = "dialtone-portal",
            ["code_verifier"] = pkce.Verifier,
        }));
        return (await token.ReadJsonAsync()).AsObject();
    }

    public static HttpClient WithBearer(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static (string Name, string Value) Hidden(string html, string name)
    {
        var match = HiddenInput().Matches(html).FirstOrDefault(m => m.Groups["name"].Value.StartsWith(name, StringComparison.Ordinal))
                    ?? throw new InvalidOperationException($"No hidden input {name} in the login page.");
        return (match.Groups["name"].Value, match.Groups["value"].Value);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();
}
