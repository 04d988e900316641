using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dialtone.Bench.Load;

/// <summary>
/// Self-service reads with real customer tokens: the preparation signs up <see cref="Subscribers"/> new subscribers through
/// <c>POST /selfservice/signup</c>, confirms each with the code from the mail outbox (read as an admin with the development
/// scheme, so the server runs in Development) and signs each in through the login page (authorization code + PKCE,
/// client <c>dialtone-portal</c>). Workers then read round-robin, each request carrying its subscriber's bearer token.
/// The server must allow that many sign-ups and logins per minute (<c>Dialtone__Identity__RequestsPerWindow</c>).
/// </summary>
public abstract partial class SelfServiceScenario(Uri baseUri) : Scenario
{
    public const int Subscribers = 16;
    private const string Password = "Bench-password-2026";
    private const string RedirectUri = "http://localhost:5080/portal/signin-callback";

    protected (string Token, Uri Uri)[] Targets { get; private set; } = [];

    protected abstract string PathFor(string partyId, string customerId);

    /// <summary>"token path" lines, for wrk (bench/wrk/selfservice.lua).</summary>
    public override IReadOnlyList<string> PreparedItems => [.. Targets.Select(t => $"{t.Token} {t.Uri.PathAndQuery}")];

    public override async Task PrepareAsync(HttpClient client, TextWriter log, CancellationToken ct)
    {
        var run = DateTime.UtcNow.ToString("HHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var targets = new List<(string, Uri)>();
        for (var i = 0; i < Subscribers; i++)
        {
            var email = $"bench.{run}.{i}@bench.dialtone.example";
            var signUp = new JsonObject
            {
                ["givenName"] = "Bench", ["familyName"] = $"Subscriber {i}", ["email"] = email, ["phoneNumber"] = $"+35387{run[..7]}",
                ["address"] = new JsonObject { ["street1"] = "1 Load Street", ["city"] = "Dublin", ["postCode"] = "D01 X2Y3", ["country"] = "IE" },
                ["password"] = Password,
            };
            using var created = await client.PostAsync(new Uri(baseUri, "selfservice/signup"), new StringContent(signUp.ToJsonString(), Encoding.UTF8, "application/json"), ct);
            await EnsureSuccessAsync(created, "POST /selfservice/signup", ct);

            using var mail = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"admin/mail?to={Uri.EscapeDataString(email)}"));
            mail.Headers.TryAddWithoutValidation("Authorization", "Dev bench:admin");
            using var mails = await client.SendAsync(mail, ct);
            await EnsureSuccessAsync(mails, "GET /admin/mail", ct);
            var code = Code().Match(JsonNode.Parse(await mails.Content.ReadAsStringAsync(ct))![0]!["body"]!.GetValue<string>()).Value;
            using var confirmed = await client.PostAsync(new Uri(baseUri, "selfservice/signup/confirm"),
                new StringContent(new JsonObject { ["email"] = email, ["code"] = code }.ToJsonString(), Encoding.UTF8, "application/json"), ct);
            await EnsureSuccessAsync(confirmed, "POST /selfservice/signup/confirm", ct);

            var token = await SignInAsync(email, ct);
            using var mine = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "tmf-api/customerManagement/v4/customer"));
            mine.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var customers = await client.SendAsync(mine, ct);
            await EnsureSuccessAsync(customers, "GET customer (own)", ct);
            var customer = JsonNode.Parse(await customers.Content.ReadAsStringAsync(ct))![0]!;
            targets.Add((token, new Uri(baseUri, PathFor(customer["engagedParty"]!["id"]!.GetValue<string>(), customer["id"]!.GetValue<string>()))));
        }

        Targets = [.. targets];
        foreach (var (token, uri) in Targets)
        {
            for (var attempt = 0; ; attempt++)
            {
                using var check = new HttpRequestMessage(HttpMethod.Get, uri);
                check.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await client.SendAsync(check, ct);
                await EnsureSuccessAsync(response, $"GET {uri}", ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!body.StartsWith("[]", StringComparison.Ordinal) || attempt > 100)
                {
                    break;
                }

                await Task.Delay(50, ct); // the billing account is opened from the sign-up event a moment later
            }
        }

        await log.WriteLineAsync($"prepared        {Subscribers} subscribers signed up, confirmed and signed in; each reads its own data with 200");
    }

    public override HttpRequestMessage CreateRequest(int worker, long sequence)
    {
        var (token, uri) = Targets[(worker + sequence) % Targets.Length];
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Authorization code + PKCE through the login page, as the web portal does.</summary>
    private async Task<string> SignInAsync(string email, CancellationToken ct)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = baseUri };
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var toLogin = await browser.GetAsync($"connect/authorize?response_type=code&client_id=dialtone-portal&redirect_uri={Uri.EscapeDataString(RedirectUri)}" +
                                                   $"&scope=openid%20selfservice&code_challenge={challenge}&code_challenge_method=S256&state=bench", ct);
        var loginUrl = toLogin.Headers.Location ?? throw new InvalidOperationException($"authorize answered {(int)toLogin.StatusCode} without a redirect (is {RedirectUri} a portal redirect URI?).");
        var html = await browser.GetStringAsync(loginUrl, ct);
        var form = Hidden().Matches(html).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        form["email"] = email;
        form["password"] = Password;
        using var login = await browser.PostAsync("account/login", new FormUrlEncodedContent(form), ct);
        using var back = await browser.GetAsync(login.Headers.Location ?? throw new InvalidOperationException($"login answered {(int)login.StatusCode}"), ct);
        var callback = back.Headers.Location ?? throw new InvalidOperationException($"authorize answered {(int)back.StatusCode} after login");
        var code = Regex.Match(callback.Query, "[?&]code=([^&]+)").Groups[1].Value;
        using var token = await browser.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = Uri.UnescapeDataString(code), ["redirect_uri"] = RedirectUri,
            ["client_id"] = "dialtone-portal", ["code_verifier"] = verifier,
        }), ct);
        await EnsureSuccessAsync(token, "POST /connect/token", ct);
        return JsonDocument.Parse(await token.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("access_token").GetString()!;
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Code();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex Hidden();
}

/// <summary>GET customerManagement/v4/customer/{id} with the customer's own token.</summary>
public sealed class GetOwnCustomer(Uri baseUri) : SelfServiceScenario(baseUri)
{
    public override string Name => "selfservice-customer";

    protected override string PathFor(string partyId, string customerId) => $"tmf-api/customerManagement/v4/customer/{customerId}";
}

/// <summary>GET accountManagement/v4/billingAccount?relatedParty.id={party} with the customer's own token (a list narrowed in SQL).</summary>
public sealed class ListOwnBillingAccounts(Uri baseUri) : SelfServiceScenario(baseUri)
{
    public override string Name => "selfservice-accounts";

    protected override string PathFor(string partyId, string customerId) => $"tmf-api/accountManagement/v4/billingAccount?relatedParty.id={partyId}";
}
