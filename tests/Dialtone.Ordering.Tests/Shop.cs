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
    public const string OrderApi = "/tmf-api/productOrderingManagement/v4";
    public const string InventoryApi = "/tmf-api/productInventory/v4";
    public const string CatalogApi = "/tmf-api/productCatalogManagement/v4";

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
    public IReadOnlyList<string> Problems => [.. App.Errors.Entries.Where(e =>
        !e.Contains("__ef_migrations", StringComparison.Ordinal) && !e.StartsWith("Wolverine.Runtime.Agents", StringComparison.Ordinal)
        && !e.StartsWith("Polly:", StringComparison.Ordinal))];

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
    public static async Task<string> OfferingIdAsync(HttpClient client, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var found = await client.GetJsonArrayAsync($"{CatalogApi}/productOffering?name={Uri.EscapeDataString(name)}&fields=id");
            if (found.Count == 1)
            {
                return found[0]!.Id();
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"The demo offering '{name}' never appeared.");
    }

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
    public static async Task<JsonObject> PassIdentityCheckAsync(HttpClient client, string? partyId) =>
        await client.PostJsonAsync($"{OrderApi}/identityCheck", IdentityDocument(partyId, "P1234567", "1990-04-01"));

    public static JsonObject IdentityDocument(string? partyId, string number, string birthDate)
    {
        var document = new JsonObject { ["documentType"] = "passport", ["documentNumber"] = number, ["birthDate"] = birthDate };
        if (partyId is not null)
        {
            document["partyId"] = partyId;
        }

        return document;
    }

    public static JsonObject Add(string itemId, string offeringId, string? msisdn = null, JsonArray? relationships = null, JsonObject? product = null)
    {
        var item = new JsonObject { ["id"] = itemId, ["action"] = "add", ["productOffering"] = new JsonObject { ["id"] = offeringId } };
        if (msisdn is not null)
        {
            product ??= new JsonObject();
            product["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "msisdn", ["value"] = msisdn });
        }

        if (product is not null)
        {
            item["product"] = product;
        }

        if (relationships is not null)
        {
            item["productOrderItemRelationship"] = relationships;
        }

        return item;
    }

    public static JsonObject Order(params JsonObject[] items) => new() { ["productOrderItem"] = new JsonArray([.. items]) };

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

    public static JsonObject For(JsonObject order, string partyId)
    {
        order["relatedParty"] = new JsonArray(new JsonObject { ["id"] = partyId, ["role"] = "customer", ["@referredType"] = "Individual" });
        return order;
    }

    /// <summary>Polls the order until it reaches one of <paramref name="states"/>, and returns it.</summary>
    public Task<JsonObject> WaitForStateAsync(HttpClient client, string orderId, params string[] states) =>
        PollStateAsync(client, orderId, states, TimeSpan.FromSeconds(30), () => $"Errors logged: {string.Join("\n", Problems)}");

    /// <summary>Polls the order through <paramref name="client"/> until it reaches one of <paramref name="states"/> within <paramref name="patience"/>; the timeout names what <paramref name="diagnostics"/> adds.</summary>
    public static async Task<JsonObject> PollStateAsync(HttpClient client, string orderId, string[] states, TimeSpan patience, Func<string>? diagnostics = null)
    {
        JsonObject order = [];
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            order = await client.GetJsonAsync($"{OrderApi}/productOrder/{orderId}");
            if (states.Contains(order["state"]!.GetValue<string>()))
            {
                return order;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Order {orderId} stayed {order["state"]} (wanted {string.Join(" or ", states)}): {order.ToJsonString()}\n{diagnostics?.Invoke()}");
    }

    /// <summary>Places an order and waits until it is completed; returns the completed order.</summary>
    public async Task<JsonObject> OrderAndCompleteAsync(HttpClient client, JsonObject order)
    {
        var placed = await client.PostJsonAsync($"{OrderApi}/productOrder", order);
        var done = await WaitForStateAsync(client, placed.Id(), "completed", "failed", "cancelled");
        Assert.Equal("completed", done["state"]!.GetValue<string>());
        return done;
    }

    public static string ProductOf(JsonObject order, int item = 0) => order["productOrderItem"]![item]!["product"]!["id"]!.GetValue<string>();

    public static string? Characteristic(JsonObject product, string name) =>
        product["productCharacteristic"]!.AsArray().FirstOrDefault(c => c!["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>();

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
