using System.Net;
using System.Text.Json.Nodes;
using Xunit;
using System.Text.RegularExpressions;

namespace Dialtone.Testing;

/// <summary>A signed-up, confirmed, signed-in subscriber and their token.</summary>
public sealed record Subscriber(string Email, string Phone, string FamilyName, string PartyId, string CustomerId, string CustomerNumber, string Token);

/// <summary>Subscribers made the way the portal makes them: sign-up, the code from the mail outbox, the login page with PKCE.</summary>
public static partial class Subscribers
{
    public const string Party = "/tmf-api/party/v4";
    public const string CustomerApi = "/tmf-api/customerManagement/v4";
    public const string AccountApi = "/tmf-api/accountManagement/v4";
    public const string SelfServiceScopes = "openid offline_access selfservice";

    private static int sequence;

    public static JsonObject SignUpBody(string givenName, string familyName, string email, string phone, string password = OAuthFlows.Password) => new()
    {
        ["givenName"] = givenName,
        ["familyName"] = familyName,
        ["email"] = email,
        ["phoneNumber"] = phone,
        ["address"] = new JsonObject { ["street1"] = "12 Harbour View", ["city"] = "Galway", ["postCode"] = "H91 X2P4", ["country"] = "IE" },
        ["password"] = password,
        ["consents"] = new JsonObject { ["marketing"] = true, ["personalisedOffers"] = false },
    };

    /// <summary>A unique email and phone number per call, so tests on one app never collide.</summary>
    public static (string Email, string Phone) NewContact(string givenName, string familyName)
    {
        var n = Interlocked.Increment(ref sequence);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        static string Local(string name) => new([.. name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).Select(char.ToLowerInvariant)]);
        return ($"{Local(givenName)}.{Local(familyName)}.{suffix}@example.com", $"+35386{(1_000_000 + (n * 7919 % 8_999_999)).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    public static async Task<Subscriber> SignUpAndSignInAsync(DialtoneApp app, string givenName, string familyName)
    {
        await OAuthFlows.EnsurePortalAsync(app);
        var (email, phone) = NewContact(givenName, familyName);
        await app.CreateClient().PostJsonAsync("/selfservice/signup", SignUpBody(givenName, familyName, email, phone), expectedStatus: 202);
        await ConfirmAsync(app, email);
        var token = (await OAuthFlows.SignInAsync(app, email, OAuthFlows.Password, SelfServiceScopes))["access_token"]!.GetValue<string>();
        var customer = (await app.Bearer(token).GetJsonArrayAsync($"{CustomerApi}/customer")).Single()!;
        return new Subscriber(email, phone, familyName, customer["engagedParty"]!["id"]!.GetValue<string>(), customer.Id(),
            customer["customerNumber"]!.GetValue<string>(), token);
    }

    public static async Task ConfirmAsync(DialtoneApp app, string email)
    {
        using var confirmed = await app.CreateClient().PostAsync("/selfservice/signup/confirm",
            TmfHttp.Json(new JsonObject { ["email"] = email, ["code"] = await ConfirmationCodeAsync(app, email) }));
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
    }

    /// <summary>The code in the newest mail to <paramref name="email"/>, read from the mail outbox as an admin.</summary>
    public static async Task<string> ConfirmationCodeAsync(DialtoneApp app, string email)
    {
        using var response = await app.Admin().GetAsync($"/admin/mail?to={Uri.EscapeDataString(email)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mail = (await response.ReadJsonAsync()).AsArray().First()!;
        return Code().Match(mail["body"]!.GetValue<string>()).Value;
    }

    /// <summary>The billing account the sign-up event opens for a party, once it exists (it is opened from the outbox, so shortly after).</summary>
    public static async Task<JsonObject> BillingAccountOfAsync(HttpClient client, string partyId)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var response = await client.GetAsync($"{AccountApi}/billingAccount?relatedParty.id={partyId}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if ((await response.ReadJsonAsync()).AsArray() is [JsonObject account])
            {
                return account;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No billing account was opened for party {partyId}.");
    }

    public static HttpClient Bearer(this DialtoneApp app, string token) => app.CreateClient().WithBearer(token);

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Code();
}
