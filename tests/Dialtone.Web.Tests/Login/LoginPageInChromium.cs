using Deque.AxeCore.Playwright;
using Dialtone.Identity.Domain;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dialtone.Web.Tests.Login;

/// <summary>The authorization server's login page in a real browser: accessible, refusing a wrong password, issuing a code.</summary>
#pragma warning disable CA1001 // xUnit disposes through IAsyncLifetime.DisposeAsync
public sealed class LoginPageInChromium : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Password = "Correct-horse-battery-1";
    private readonly DialtoneApp app = new();
    private IPlaywright? playwright;
    private IBrowser? browser;
    private string baseUrl = "";

    public async Task InitializeAsync()
    {
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using (var scope = app.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<IdentityAccounts>();
            await accounts.CreatePortalClientAsync("dialtone-portal", [DialtoneApp.PortalRedirectUri]);
            await accounts.CreateStaffAsync("care.browser@dialtone.example", Password, "agent");
        }

        (playwright, browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task AnAgentSignsInOnAnAccessibleLoginPageAndThePortalGetsACode()
    {
        var page = await browser!.NewPageAsync();
        var callback = new TaskCompletionSource<string>();
        await page.RouteAsync($"{DialtoneApp.PortalRedirectUri}**", async route =>
        {
            callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, Body = "signed in" });
        });

        var pkce = Pkce.Create();
        await page.GotoAsync($"{baseUrl}/connect/authorize?response_type=code&client_id=dialtone-portal" +
                             $"&redirect_uri={Uri.EscapeDataString(DialtoneApp.PortalRedirectUri)}&scope=openid%20care" +
                             $"&code_challenge={pkce.Challenge}&code_challenge_method=S256&state=browser");

        Assert.Equal("Sign in — Dialtone", await page.TitleAsync());
        var accessibility = await page.RunAxe();
        Assert.True(accessibility.Violations.Length == 0, string.Join("; ", accessibility.Violations.Select(v => $"{v.Id}: {v.Help}")));

        await page.GetByLabel("Email").FillAsync("care.browser@dialtone.example");
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Contains("not right", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByLabel("Email").FillAsync("care.browser@dialtone.example");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var redirected = new Uri(await callback.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(redirected.Query);
        Assert.Equal("browser", query["state"].ToString());

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = DialtoneApp.PortalRedirectUri,
            ["client_id"] = "dialtone-portal",
            ["code_verifier"] = pkce.Verifier,
        }));
        var tokens = await token.ReadJsonAsync();
        Assert.Contains("care", tokens["scope"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
