using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dialtone.Testing;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// The SBI port (h2c, its own listener) trusts the core network when it requires no token: its requests skip
/// authentication (no credential counts there) and reach charging. When it requires a token, authentication runs there as on the main port. The main
/// port never trusts a caller for charging.
/// </summary>
public sealed class SbiTrust
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheSbiPortTrustsTheNetworkOnlyWhenItRequiresNoToken(bool tokenRequired)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-sbi-trust", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var server = new ServerProcess(directory, new Dictionary<string, string>
            {
                ["Dialtone__Standins__Start"] = "false",
                ["Dialtone__Charging__SbiRequiresToken"] = tokenRequired ? "true" : "false",
            });
            await server.StartAsync();
            using var sbi = new HttpClient
            {
                BaseAddress = new Uri($"http://127.0.0.1:{server.SbiPort}"),
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            using var main = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

            using var anonymous = await sbi.PostAsync($"{Smf.Api}/chargingdata", Json());
            var body = await anonymous.Content.ReadAsStringAsync();
            if (tokenRequired)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

                // Authentication still runs on the SBI port: a network caller's credential is read and lets it charge; another
                // caller is known and refused (403), not anonymous (401).
                using var network = await sbi.SendAsync(Credentialed("smf-1:network"));
                Assert.True(network.StatusCode == HttpStatusCode.NotFound, await network.Content.ReadAsStringAsync());
                using var customer = await sbi.SendAsync(Credentialed("someone:customer"));
                Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
            }
            else
            {
                // Trusted: the request reaches charging, which does not know this subscriber.
                Assert.True(anonymous.StatusCode == HttpStatusCode.NotFound, body);
                Assert.Contains("USER_UNKNOWN", body, StringComparison.Ordinal);

                // No authentication runs there (neither a credential's check nor OpenIddict's per-request work): an admin's
                // credential, good on the main port, counts for nothing on the SBI port.
                using var onSbi = await sbi.SendAsync(Credentialed("ops-1:admin", HttpMethod.Get, "/admin/charging/outboxDeadLetters"));
                Assert.Equal(HttpStatusCode.Unauthorized, onSbi.StatusCode);
                using var adminRead = new HttpRequestMessage(HttpMethod.Get, "/admin/charging/outboxDeadLetters") { Headers = { Authorization = new AuthenticationHeaderValue("Dev", "ops-1:admin") } };
                using var onMainPort = await main.SendAsync(adminRead);
                Assert.Equal(HttpStatusCode.OK, onMainPort.StatusCode);
            }

            using var onMain = await main.PostAsync($"{Smf.Api}/chargingdata", Json());
            Assert.Equal(HttpStatusCode.Unauthorized, onMain.StatusCode);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // a file the stopped server still held: the temporary directory is cleaned up by the system
            }
        }
    }

    private static HttpRequestMessage Credentialed(string credential, HttpMethod? method = null, string path = $"{Smf.Api}/chargingdata") =>
        new(method ?? HttpMethod.Post, path)
        {
            Content = method == HttpMethod.Get ? null : Json(),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Headers = { Authorization = new AuthenticationHeaderValue("Dev", credential) },
        };

    private static StringContent Json() =>
        new(Smf.Request("001019999999999", 1).ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
