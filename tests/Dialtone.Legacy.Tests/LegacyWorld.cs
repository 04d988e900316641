using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Dialtone.Legacy.Tests.ImportJobs;

namespace Dialtone.Legacy.Tests;

/// <summary>A LegacySim child process (seed 11) shared by one test class; tests use different customers of it.</summary>
public abstract class LegacySimFixture(int customers) : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dialtone-legacy-sync-" + Guid.NewGuid().ToString("N"));

    public StandinProcess Legacy { get; private set; } = null!;

    public async Task InitializeAsync() => Legacy = await LegacySimProcess.StartAsync(directory, customers, seed: 11);

    public async Task DisposeAsync()
    {
        await Legacy.DisposeAsync();
        DialtoneApp.TryDelete(directory);
    }
}

/// <summary>A small LegacySim (60 customers).</summary>
public sealed class SmallLegacySim() : LegacySimFixture(60);

/// <summary>An imported customer: Dialtone's ids and the legacy id.</summary>
public sealed record ImportedPerson(string CustomerId, string PartyId, string LegacyId);

/// <summary>Dialtone in-process against a LegacySim, with the export imported and every legacy interval in milliseconds.</summary>
internal static class LegacyWorld
{
    public static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Crm = "urn:dialtone:legacysim:crm:1";

    public static DialtoneApp App(TestDatabase database, StandinProcess legacy, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Dialtone:Legacy:BaseUrl"] = legacy.BaseUrl,
            ["Dialtone:Legacy:BillHistoryFreshFor"] = "00:00:00",
            ["Dialtone:Legacy:BillHistoryRetryAfter"] = "00:00:07",
            ["Dialtone:Legacy:Adapter:AttemptTimeout"] = "00:00:03",
            ["Dialtone:Legacy:Adapter:TotalTimeout"] = "00:00:06",
            ["Dialtone:Legacy:Adapter:Retries"] = "1",
            ["Dialtone:Legacy:Adapter:RetryDelay"] = "00:00:00.010",
            ["Dialtone:Legacy:Adapter:BreakAfterFailures"] = "4",
            ["Dialtone:Legacy:Adapter:BreakDuration"] = "00:00:00.500",
            ["Dialtone:Legacy:Propagation:RetryDelays:0"] = "00:00:00.050",
            ["Dialtone:Legacy:Propagation:RetryDelays:1"] = "00:00:00.100",
            ["Dialtone:Legacy:Propagation:RetryDelays:2"] = "00:00:00.200",
            ["Dialtone:Legacy:Propagation:MaxAttempts"] = "3",
            ["Dialtone:Legacy:Propagation:MetricsInterval"] = "00:00:00.200",
            // The change-feed sync is off unless a test turns it on (Sync/SyncWorld.FastSync): propagation is tested alone.
            ["Dialtone:Legacy:Sync:Enabled"] = "false",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new DialtoneApp(database, settings, services: services);
    }

    /// <summary>Imports the sim's export and answers imported customers with one legacy id each, active, in a stable order.</summary>
    public static async Task<IReadOnlyList<ImportedPerson>> ImportAsync(DialtoneApp app)
    {
        var admin = app.Admin();
        var job = await ImportJobClient.WaitAsync(admin, (await ImportJobClient.StartAsync(admin, new { source = "legacySystem", batchSize = 500 }))["id"]!.GetValue<string>());
        Assert.True(job["state"]!.GetValue<string>() == "completed", job.ToJsonString());
        var customers = JsonNode.Parse(await admin.GetStringAsync("/tmf-api/customerManagement/v4/customer?limit=1000"))!.AsArray();
        return [.. customers
            .Select(c => (Customer: c!, Legacy: c!["characteristic"]?.AsArray().FirstOrDefault(x => x!["name"]!.GetValue<string>() == "legacyCustomerId")?["value"]?.GetValue<string>()))
            .Where(c => c.Legacy is not null && !c.Legacy.Contains(',', StringComparison.Ordinal) && c.Customer["status"]?.GetValue<string>() == "Approved")
            .Select(c => new ImportedPerson(c.Customer.Id(), c.Customer["engagedParty"]!["id"]!.GetValue<string>(), c.Legacy!))
            .OrderBy(p => p.LegacyId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The operator's plan table for LegacySim's codes (the demo catalog must be seeded): every code but
    /// <c>OLD_UNLTD</c> and <c>DATA-ONLY-5</c>; answers code to offering id.
    /// </summary>
    public static async Task<Dictionary<string, string>> MapPlansAsync(HttpClient admin, IDictionary<string, string>? more = null)
    {
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PLN-S10"] = await Orders.OfferingIdAsync(admin, "5G Start 10 GB"),
            ["TAR2009X"] = await Orders.OfferingIdAsync(admin, "5G Start 10 GB"),
            ["PLN-M25"] = await Orders.OfferingIdAsync(admin, "5G Plus 40 GB"),
            ["BIZ-PRO"] = await Orders.OfferingIdAsync(admin, "5G Plus 40 GB"),
            ["PLN-L50"] = await Orders.OfferingIdAsync(admin, "5G Max 120 GB"),
            ["PP_BASIC"] = await Orders.OfferingIdAsync(admin, "Dialtone Prepaid"),
        };
        foreach (var (code, offering) in more ?? new Dictionary<string, string>())
        {
            mapping[code] = offering;
        }

        var table = new JsonObject { ["mappings"] = new JsonArray([.. mapping.Select(m => new JsonObject { ["legacyPlanCode"] = m.Key, ["productOfferingId"] = m.Value })]) };
        using var put = await admin.PutAsync("/admin/legacy/planMappings", TmfHttp.Json(table));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        return mapping;
    }

    /// <summary>The legacy subscriptions of a customer (<c>GetCustomer</c>): id to plan code.</summary>
    public static Dictionary<string, string> PlanCodes(this XElement customer) =>
        customer.Descendants(Crm + "Subscription").ToDictionary(s => s.Element(Crm + "SubscriptionId")!.Value, s => s.Element(Crm + "PlanCode")!.Value, StringComparer.Ordinal);

    /// <summary>The TMF637 product id a migration order gave a legacy subscription (ADR 0016).</summary>
    public static string ProductIdOf(string subscriptionId) => Dialtone.Platform.Tmf.Documents.TmfDocumentImport.IdFor("legacy", "product", subscriptionId);

    /// <summary>
    /// Places a plan change of a migrated line (TMF622 modify with another offering) as <paramref name="client"/> and
    /// waits for the order to end; the network stand-in must know the line's subscriber (a real network does; the
    /// migration provisions nothing, ADR 0016), which <paramref name="network"/> is given first.
    /// </summary>
    public static async Task<JsonObject> ChangePlanAsync(HttpClient client, HttpClient admin, StandinProcess network, string productId, string offeringId, string? traceId = null)
    {
        var product = await admin.GetJsonAsync($"{Orders.InventoryApi}/product/{productId}");
        using (var seeded = await network.AdminAsync(HttpMethod.Put, $"/subscribers/{productId}",
                   new { imsi = Orders.Characteristic(product, "imsi"), msisdn = Orders.Characteristic(product, "msisdn"), paymentMode = Orders.Characteristic(product, "paymentMode") ?? "postpaid" }))
        {
            Assert.True(seeded.IsSuccessStatusCode, await seeded.Content.ReadAsStringAsync());
        }

        var order = new JsonObject
        {
            ["productOrderItem"] = new JsonArray(new JsonObject
            {
                ["id"] = "1", ["action"] = "modify", ["product"] = new JsonObject { ["id"] = productId }, ["productOffering"] = new JsonObject { ["id"] = offeringId },
            }),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Orders.OrderApi}/productOrder") { Content = TmfHttp.Json(order) };
        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        }

        using var placed = await client.SendAsync(request);
        var body = await placed.Content.ReadAsStringAsync();
        Assert.True(placed.StatusCode == HttpStatusCode.Created, body);
        var done = await Orders.PollStateAsync(client, JsonNode.Parse(body)!.Id(), ["completed", "failed"], TimeSpan.FromSeconds(60));
        Assert.True(done["state"]!.GetValue<string>() == "completed", done.ToJsonString());
        return done;
    }

    /// <summary>Errors no test expects: Wolverine reports each deferred delivery (legacy down or refusing) at Error, which these tests cause on purpose.</summary>
    public static IReadOnlyList<string> UnexpectedErrors(DialtoneApp app) =>
        [.. app.Errors.Unexpected.Where(e => !e.Contains("LegacyDeliveryDeferredException", StringComparison.Ordinal)
            && !(e.Contains(".PropagateLegacyChange)", StringComparison.Ordinal) && e.Contains("was rescheduled", StringComparison.Ordinal)))];

    public static void AssertNoUnexpectedErrors(DialtoneApp app)
    {
        var errors = UnexpectedErrors(app);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>Adds an EF Core interceptor (a test's hook) to the legacy module's context, on either database.</summary>
    public static void Intercept(IServiceCollection services, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor interceptor)
    {
        services.ConfigureDbContext<Dialtone.Legacy.Persistence.SqliteLegacyDbContext>((_, options) => options.AddInterceptors(interceptor));
        services.ConfigureDbContext<Dialtone.Legacy.Persistence.PostgresLegacyDbContext>((_, options) => options.AddInterceptors(interceptor));
    }

    /// <summary>A client acting as the customer themself (self-service).</summary>
    public static HttpClient Customer(DialtoneApp app, ImportedPerson person)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", $"user-{person.PartyId[..8]}:customer:{person.PartyId}");
        return client;
    }

    public static HttpClient Agent(DialtoneApp app) => app.ClientAs("agent-1", "agent");

    /// <summary>Changes the customer's contact data through self-service (TMF632 PATCH of their own individual), with a trace id.</summary>
    public static async Task<HttpResponseMessage> ChangeContactAsync(HttpClient customer, ImportedPerson person, string email, string phone, string street, string? traceId = null)
    {
        var body = new JsonObject
        {
            ["contactMedium"] = new JsonArray(
                new JsonObject { ["mediumType"] = "email", ["preferred"] = true, ["characteristic"] = new JsonObject { ["contactType"] = "email", ["emailAddress"] = email } },
                new JsonObject { ["mediumType"] = "mobile", ["preferred"] = false, ["characteristic"] = new JsonObject { ["contactType"] = "mobile", ["phoneNumber"] = phone } },
                new JsonObject
                {
                    ["mediumType"] = "postalAddress", ["preferred"] = false,
                    ["characteristic"] = new JsonObject { ["contactType"] = "home", ["street1"] = street, ["postCode"] = "10115", ["city"] = "Berlin", ["country"] = "DE" },
                }),
        };
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/tmf-api/party/v4/individual/{person.PartyId}") { Content = TmfHttp.Json(body, "application/merge-patch+json") };
        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        }

        return await customer.SendAsync(request);
    }

    public static string NewTraceId() => Guid.NewGuid().ToString("N");

    /// <summary>Reads a customer from legacy's own API (GetCustomer).</summary>
    public static async Task<XElement> LegacyCustomerAsync(StandinProcess legacy, string legacyId)
    {
        var answer = await CallAsync(legacy, "GetCustomer", null, ("CustomerId", legacyId));
        return answer.Element(Crm + "Customer") ?? throw new InvalidOperationException("No customer: " + answer);
    }

    /// <summary>A write as one of legacy's own users (not Dialtone): what its agents do in the old CRM.</summary>
    public static async Task<XElement> LegacyUserWriteAsync(StandinProcess legacy, string operation, params (string Name, object? Value)[] fields) =>
        await CallAsync(legacy, operation, ("LEGACY-CRM", "agent-042"), fields);

    public static string? Field(this XElement element, string name) => element.Element(Crm + name)?.Value;

    public static long Version(this XElement customer) => long.Parse(customer.Field("Version")!, CultureInfo.InvariantCulture);

    /// <summary>Polls legacy until <paramref name="condition"/> holds for the customer, at most <paramref name="timeout"/>.</summary>
    public static async Task<XElement> WaitForLegacyAsync(StandinProcess legacy, string legacyId, Func<XElement, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var customer = await LegacyCustomerAsync(legacy, legacyId);
            if (condition(customer))
            {
                return customer;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Legacy customer {legacyId} did not reach the expected state: {customer}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls an admin JSON resource until <paramref name="condition"/> holds.</summary>
    public static async Task<JsonNode> WaitForAsync(HttpClient admin, string path, Func<JsonNode, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var node = JsonNode.Parse(await admin.GetStringAsync(path))!;
            if (condition(node))
            {
                return node;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} did not reach the expected state: {node.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private static async Task<XElement> CallAsync(StandinProcess legacy, string operation, (string System, string User)? caller, params (string Name, object? Value)[] fields)
    {
        var header = caller is { } c ? new XElement(Soap + "Header", new XElement(Crm + "Caller", new XElement(Crm + "System", c.System), new XElement(Crm + "User", c.User))) : null;
        var envelope = new XElement(Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soap", Soap.NamespaceName), new XAttribute(XNamespace.Xmlns + "crm", Crm.NamespaceName),
            header,
            new XElement(Soap + "Body", new XElement(Crm + operation,
                fields.Where(f => f.Value is not null).Select(f => new XElement(Crm + f.Name, Convert.ToString(f.Value, CultureInfo.InvariantCulture))))));
        using var http = new HttpClient { BaseAddress = new Uri(legacy.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/CustomerService") { Content = new StringContent(envelope.ToString(), Encoding.UTF8, "text/xml") };
        using var response = await http.SendAsync(request);
        var body = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element(Soap + "Body")!.Elements().Single();
        Assert.True(body.Name != Soap + "Fault", body.ToString());
        return body;
    }
}
