using Dialtone.Ordering.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialtone.Ordering.Tests;

/// <summary>
/// An app with the demo catalog and the provisioning double, its agent, and customers made by the agent (the
/// development scheme stands in for tokens here; the lifecycle test uses real ones).
/// </summary>
internal sealed class Shop : IAsyncDisposable
{
    public const string OrderApi = Orders.OrderApi;
    public const string InventoryApi = Orders.InventoryApi;
    public const string CatalogApi = Orders.CatalogApi;

    private static int customers;

    private readonly ProvisioningDouble? network;

    private Shop(DialtoneApp app, ProvisioningDouble? network)
    {
        App = app;
        this.network = network;
        Agent = app.ClientAs("agent-1", "agent");
    }

    public DialtoneApp App { get; }

    /// <summary>The in-test provisioning double (not there when the shop runs against the real stand-ins).</summary>
    public ProvisioningDouble Network => network ?? throw new InvalidOperationException("This shop provisions on the real stand-ins.");

    public HttpClient Agent { get; }

    /// <summary>
    /// Errors the app logged about requests, orders and messages: Dialtone's own, unhandled exceptions and dead letters
    /// (not the migrator's probe of a fresh PostgreSQL database, nor Wolverine's node-agent chatter, nor the resilience
    /// pipeline reporting the failures a test provokes on purpose).
    /// </summary>
    public IReadOnlyList<string> Problems => App.Errors.Unexpected;

    /// <summary>
    /// A shop provisioning on the real stand-ins (child processes), with a resilience pipeline sized for tests: a try
    /// times out after a second, one quick retry, and the circuit opens after a few failures for a fifth of a second.
    /// </summary>
    public static Task<Shop> OpenWithStandinsAsync(TestDatabase database, StandinProcess networkSystem, StandinProcess smdp)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Dialtone:Ordering:Network:BaseUrl"] = networkSystem.BaseUrl,
            ["Dialtone:Ordering:Smdp:BaseUrl"] = smdp.BaseUrl,
        };
        foreach (var system in new[] { "Network", "Smdp" })
        {
            settings[$"Dialtone:Ordering:{system}:AttemptTimeout"] = "00:00:01";
            settings[$"Dialtone:Ordering:{system}:TotalTimeout"] = "00:00:03";
            settings[$"Dialtone:Ordering:{system}:Retries"] = "1";
            settings[$"Dialtone:Ordering:{system}:RetryDelay"] = "00:00:00.010";
            settings[$"Dialtone:Ordering:{system}:BreakAfterFailures"] = "4";
            settings[$"Dialtone:Ordering:{system}:BreakDuration"] = "00:00:00.500";
        }

        return OpenAsync(database, settings, withDouble: false);
    }

    public static async Task<Shop> OpenAsync(TestDatabase database, IDictionary<string, string?>? settings = null, bool withDouble = true)
    {
        var network = withDouble ? new ProvisioningDouble() : null;
        var overrides = new Dictionary<string, string?>
        {
            ["Dialtone:SeedDemoData"] = "true",
            ["Dialtone:DemoSubscribers"] = "0",
            ["Dialtone:Ordering:FirstRetryDelay"] = "00:00:00.020",
            ["Dialtone:Ordering:MaxRetryDelay"] = "00:00:00.100",
            ["Dialtone:Ordering:RetryPollingInterval"] = "00:00:00.010",
            ["Dialtone:Ordering:MaxStepAttempts"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var app = new DialtoneApp(database, overrides, services: s =>
        {
            if (network is not null)
            {
                s.RemoveAll<IProvisioningSystems>();
                s.AddSingleton<IProvisioningSystems>(network);
            }
        });
        var shop = new Shop(app, network);
        await shop.OfferingIdAsync("5G Plus 40 GB");
        return shop;
    }

    /// <summary>The id of a demo offering, once the catalog is seeded (it is seeded after start).</summary>
    public Task<string> OfferingIdAsync(string name) => OfferingIdAsync(App.CreateClient(), name);

    /// <summary>The id of a demo offering as <paramref name="client"/> finds it (an in-test app or a real server process), once seeded.</summary>
    public static Task<string> OfferingIdAsync(HttpClient client, string name) => Orders.OfferingIdAsync(client, name);

    /// <summary>A new customer's party (made by the agent) and a client acting as that customer, identity checked unless asked not to.</summary>
    public async Task<(string PartyId, HttpClient Client)> CustomerAsync(string givenName = "Nora", bool identityChecked = true)
    {
        var n = Interlocked.Increment(ref customers);
        var person = await Agent.PostJsonAsync("/tmf-api/party/v4/individual", new JsonObject { ["givenName"] = givenName, ["familyName"] = $"Customer{n}" });
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Dev", $"customer-{n}:customer:{person.Id()}");
        if (identityChecked)
        {
            await PassIdentityCheckAsync(Agent, person.Id());
        }

        return (person.Id(), client);
    }

    /// <summary>A passing identity check of <paramref name="partyId"/> (a customer leaves the party out: it is their own).</summary>
    public static Task<JsonObject> PassIdentityCheckAsync(HttpClient client, string? partyId) => Orders.PassIdentityCheckAsync(client, partyId);

    public static JsonObject IdentityDocument(string? partyId, string number, string birthDate) => Orders.IdentityDocument(partyId, number, birthDate);

    public static JsonObject Add(string itemId, string offeringId, string? msisdn = null, JsonArray? relationships = null, JsonObject? product = null) =>
        Orders.Add(itemId, offeringId, msisdn, relationships, product);

    public static JsonObject Order(params JsonObject[] items) => Orders.Order(items);

    /// <summary>An order for a family line: held by <paramref name="holderId"/> (role customer), used by <paramref name="userId"/>.</summary>
    public static JsonObject FamilyLine(string offeringId, string holderId, string userId)
    {
        var order = Order(Add("1", offeringId));
        order["relatedParty"] = new JsonArray(
            new JsonObject { ["id"] = holderId, ["role"] = "customer", ["@referredType"] = "Individual" },
            new JsonObject { ["id"] = userId, ["role"] = "user", ["@referredType"] = "Individual" });
        return order;
    }

    /// <summary>Submits <paramref name="order"/>, expects it refused with <paramref name="status"/> and <paramref name="code"/>, its message naming <paramref name="mention"/>; returns the error.</summary>
    public static async Task<JsonObject> RefusedAsync(HttpClient client, JsonObject order, int status, string code, string mention)
    {
        using var response = await client.PostAsync($"{OrderApi}/productOrder", TmfHttp.Json(order));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        var error = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Contains(mention, error["message"]!.GetValue<string>());
        return error;
    }

    public static JsonObject For(JsonObject order, string partyId) => Orders.For(order, partyId);

    /// <summary>Polls the order until it reaches one of <paramref name="states"/>, and returns it.</summary>
    public Task<JsonObject> WaitForStateAsync(HttpClient client, string orderId, params string[] states) =>
        PollStateAsync(client, orderId, states, TimeSpan.FromSeconds(30), () => $"Errors logged: {string.Join("\n", Problems)}");

    /// <summary>Polls the order through <paramref name="client"/> until it reaches one of <paramref name="states"/> within <paramref name="patience"/>; the timeout names what <paramref name="diagnostics"/> adds.</summary>
    public static Task<JsonObject> PollStateAsync(HttpClient client, string orderId, string[] states, TimeSpan patience, Func<string>? diagnostics = null) =>
        Orders.PollStateAsync(client, orderId, states, patience, diagnostics);

    /// <summary>Places an order and waits until it is completed; returns the completed order.</summary>
    public async Task<JsonObject> OrderAndCompleteAsync(HttpClient client, JsonObject order)
    {
        var placed = await client.PostJsonAsync($"{OrderApi}/productOrder", order);
        var done = await WaitForStateAsync(client, placed.Id(), "completed", "failed", "cancelled");
        Assert.Equal("completed", done["state"]!.GetValue<string>());
        return done;
    }

    public static string ProductOf(JsonObject order, int item = 0) => Orders.ProductOf(order, item);

    public static string? Characteristic(JsonObject product, string name) => Orders.Characteristic(product, name);

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
