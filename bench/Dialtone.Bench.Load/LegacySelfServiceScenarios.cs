using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Dialtone.Bench.Load;

/// <summary>
/// Self-service reads of customers imported from legacy (bench/run-legacy-load.sh), while legacy may be down: the
/// preparation lists up to <see cref="Customers"/> imported customers as an admin and checks that a sample's reads answer 200;
/// workers then read round-robin over all of them, each request as that customer. Imported customers have no password
/// (they never signed up), so requests carry the development scheme's customer identity (<c>Dev id:customer:party</c>,
/// the server runs in Development) instead of a bearer token: the token check is left out of these figures.
/// </summary>
public sealed class LegacySelfServiceScenario(Uri baseUri, string name, Func<string, string, string> pathFor) : Scenario
{
    public const int Customers = 1000;
    private const int SampleChecked = 50;

    private (string Identity, Uri Uri)[] targets = [];

    public override string Name => name;

    public override IReadOnlyList<string> PreparedItems => [.. targets.Select(t => $"{t.Identity.Replace(' ', '+')} {t.Uri.PathAndQuery}")];

    public static Scenario Create(Uri baseUri, string name) => name switch
    {
        "legacy-profile" => new LegacySelfServiceScenario(baseUri, name, (party, _) => $"tmf-api/party/v4/individual/{party}"),
        "legacy-customer" => new LegacySelfServiceScenario(baseUri, name, (_, customer) => $"tmf-api/customerManagement/v4/customer/{customer}"),
        "legacy-accounts" => new LegacySelfServiceScenario(baseUri, name, (party, _) => $"tmf-api/accountManagement/v4/billingAccount?relatedParty.id={party}"),
        "legacy-products" => new LegacySelfServiceScenario(baseUri, name, (party, _) => $"tmf-api/productInventory/v4/product?relatedParty.id={party}"),
        _ => throw new ArgumentException($"Unknown scenario '{name}'."),
    };

    public override async Task PrepareAsync(HttpClient client, TextWriter log, CancellationToken ct)
    {
        using var list = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"tmf-api/customerManagement/v4/customer?limit={Customers}&fields=id,engagedParty,characteristic"));
        list.Headers.TryAddWithoutValidation("Authorization", "Dev bench:admin");
        using var listed = await client.SendAsync(list, ct);
        await EnsureSuccessAsync(listed, "GET customer (admin)", ct);
        var customers = JsonNode.Parse(await listed.Content.ReadAsStringAsync(ct))!.AsArray()
            .Where(c => c!["characteristic"]?.AsArray().Any(x => x!["name"]?.GetValue<string>() == "legacyCustomerId") == true)
            .Select(c => (Customer: c!["id"]!.GetValue<string>(), Party: c["engagedParty"]!["id"]!.GetValue<string>()))
            .ToList();
        if (customers.Count == 0)
        {
            throw new InvalidOperationException("No imported customer (with a legacyCustomerId) to read: run the import first.");
        }

        targets = [.. customers.Select((c, i) => ($"Dev bench-{i}:customer:{c.Party}", new Uri(baseUri, pathFor(c.Party, c.Customer))))];
        // A sample is checked (one request each, sequential: the whole list would take minutes on a busy machine); the
        // measured run counts every answer that is not 2xx anyway.
        var empty = 0;
        foreach (var (identity, uri) in targets.Take(SampleChecked))
        {
            using var check = new HttpRequestMessage(HttpMethod.Get, uri);
            check.Headers.TryAddWithoutValidation("Authorization", identity);
            using var response = await client.SendAsync(check, ct);
            await EnsureSuccessAsync(response, $"GET {uri.PathAndQuery}", ct);
            empty += (await response.Content.ReadAsStringAsync(ct)).StartsWith("[]", StringComparison.Ordinal) ? 1 : 0;
        }

        await log.WriteLineAsync($"prepared        {targets.Length} imported customers; {SampleChecked} of them checked: each reads its own data with 200 ({empty} empty lists)");
    }

    public override HttpRequestMessage CreateRequest(int worker, long sequence)
    {
        var (identity, uri) = targets[(int)((worker * 7919 + sequence) % targets.Length)];
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(identity);
        return request;
    }
}
