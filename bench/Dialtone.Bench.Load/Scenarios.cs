using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Dialtone.Bench.Load;

/// <summary>One kind of request, repeated by every worker; prepared once (data, checks) before the clock starts.</summary>
public abstract class Scenario
{
    public const string CatalogPath = "tmf-api/productCatalogManagement/v4/";

    public abstract string Name { get; }

    /// <summary>Fetches or creates what the requests need and checks that one request answers 2xx.</summary>
    public abstract Task PrepareAsync(HttpClient client, TextWriter log, CancellationToken ct);

    /// <summary>The request a worker sends next; <paramref name="sequence"/> counts that worker's requests.</summary>
    public abstract HttpRequestMessage CreateRequest(int worker, long sequence);

    /// <summary>Anything the preparation found that another tool (wrk) can reuse, one item a line.</summary>
    public virtual IReadOnlyList<string> PreparedItems => [];

    public static Scenario Create(string name, Uri baseUri) => name switch
    {
        "get-by-id" => new GetOfferingById(baseUri),
        "list-filtered" => new ListLaunchedOfferings(baseUri),
        "create" => new CreateSpecification(baseUri),
        "bare-json" => new BareJson(baseUri),
        "selfservice-customer" => new GetOwnCustomer(baseUri),
        "selfservice-accounts" => new ListOwnBillingAccounts(baseUri),
        "legacy-profile" or "legacy-customer" or "legacy-accounts" or "legacy-products" => LegacySelfServiceScenario.Create(baseUri, name),
        _ => throw new ArgumentException($"Unknown scenario '{name}': get-by-id | list-filtered | create | bare-json | selfservice-customer | selfservice-accounts | legacy-profile | legacy-customer | legacy-accounts | legacy-products."),
    };

    protected static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        }
    }
}

/// <summary>
/// GET productOffering/{id}, anonymously, round-robin over the launched offerings of the demo catalog
/// (found with one anonymous GET productOffering?limit=100; anonymous callers only see orderable offerings).
/// </summary>
public sealed class GetOfferingById(Uri baseUri) : Scenario
{
    private Uri[] _uris = [];
    private string[] _ids = [];

    public override string Name => "get-by-id";

    public override IReadOnlyList<string> PreparedItems => _ids;

    public override async Task PrepareAsync(HttpClient client, TextWriter log, CancellationToken ct)
    {
        var list = new Uri(baseUri, CatalogPath + "productOffering?limit=100");
        using var response = await client.GetAsync(list, ct);
        await EnsureSuccessAsync(response, "GET productOffering?limit=100", ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        _ids = json.RootElement.EnumerateArray()
            .Where(o => o.TryGetProperty("lifecycleStatus", out var status) && status.GetString() == "Launched")
            .Select(o => o.GetProperty("id").GetString()!)
            .ToArray();
        if (_ids.Length == 0)
        {
            throw new InvalidOperationException($"No launched offering in {list} (has the demo catalog been seeded?).");
        }

        _uris = _ids.Select(id => new Uri(baseUri, CatalogPath + "productOffering/" + Uri.EscapeDataString(id))).ToArray();
        foreach (var uri in _uris)
        {
            using var check = await client.GetAsync(uri, ct);
            await EnsureSuccessAsync(check, $"GET {uri}", ct);
        }

        await log.WriteLineAsync($"prepared        {_ids.Length} launched offerings, each answers 200");
    }

    public override HttpRequestMessage CreateRequest(int worker, long sequence) =>
        new(HttpMethod.Get, _uris[(worker + sequence) % _uris.Length]);
}

/// <summary>GET productOffering?lifecycleStatus=Launched,Active&amp;limit=20&amp;sort=name, anonymously: a filtered, sorted page.</summary>
public sealed class ListLaunchedOfferings(Uri baseUri) : Scenario
{
    public const string Query = "productOffering?lifecycleStatus=Launched,Active&limit=20&sort=name";

    private readonly Uri _uri = new(baseUri, CatalogPath + Query);

    public override string Name => "list-filtered";

    public override async Task PrepareAsync(HttpClient client, TextWriter log, CancellationToken ct)
    {
        using var response = await client.GetAsync(_uri, ct);
        await EnsureSuccessAsync(response, $"GET {_uri}", ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        using var json = JsonDocument.Parse(body);
        await log.WriteLineAsync($"prepared        the page has {json.RootElement.GetArrayLength()} offerings ({body.Length} bytes), X-Total-Count {string.Join(",", response.Headers.TryGetValues("X-Total-Count", out var total) ? total : ["?"])}");
    }

    public override HttpRequestMessage CreateRequest(int worker, long sequence) => new(HttpMethod.Get, _uri);
}

/// <summary>
/// POST productSpecification {"name":"bench spec &lt;run&gt;-&lt;n&gt;"} as a product manager (<c>Authorization: Dev bench:productManager</c>,
/// the development scheme): a write through validation, the search index and the outbox, one SQLite transaction each.
/// </summary>
public sealed class CreateSpecification(Uri baseUri) : Scenario
{
    public const string Credential = "Dev bench:productManager";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly Uri _uri = new(baseUri, CatalogPath + "productSpecification");
    private readonly string _run = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
    private long _counter;

    public override string Name => "create";

    public override async Task PrepareAsync(HttpClient client, TextWriter log, CancellationToken ct)
    {
        using var request = CreateRequest(0, 0);
        using var response = await client.SendAsync(request, ct);
        await EnsureSuccessAsync(response, $"POST {_uri}", ct);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {_uri} answered {(int)response.StatusCode}, not 201.");
        }

        await log.WriteLineAsync($"prepared        POST productSpecification answers 201 ({response.Headers.Location})");
    }

    public override HttpRequestMessage CreateRequest(int worker, long sequence)
    {
        var n = Interlocked.Increment(ref _counter);
        var request = new HttpRequestMessage(HttpMethod.Post, _uri)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"name\":\"bench spec {_run}-{n}\"}}")),
        };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("Authorization", Credential);
        return request;
    }
}

/// <summary>GET /json on bench/Dialtone.Bench.Baseline (a bare ASP.NET Core JSON GET): the ceiling of this machine and this generator.</summary>
public sealed class BareJson(Uri baseUri) : Scenario
{
    private readonly Uri _uri = new(baseUri, "json");

    public override string Name => "bare-json";

    public override async Task PrepareAsync(HttpClient client, TextWriter log, CancellationToken ct)
    {
        using var response = await client.GetAsync(_uri, ct);
        await EnsureSuccessAsync(response, $"GET {_uri}", ct);
        await log.WriteLineAsync($"prepared        GET {_uri} answers {(int)response.StatusCode}");
    }

    public override HttpRequestMessage CreateRequest(int worker, long sequence) => new(HttpMethod.Get, _uri);
}
