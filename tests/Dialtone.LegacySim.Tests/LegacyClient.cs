using System.Globalization;
using System.Text;

namespace Dialtone.LegacySim.Tests;

/// <summary>Calls the legacy SOAP service the way an adapter would: one envelope per operation, with a Caller header.</summary>
internal sealed class LegacyClient(string baseUrl, TimeSpan? timeout = null) : IDisposable
{
    public static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Crm = "urn:dialtone:legacysim:crm:1";

    private readonly HttpClient http = new() { BaseAddress = new Uri(baseUrl), Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    public string? System { get; init; } = "DIALTONE";

    public string? User { get; init; } = "legacy-tests";

    /// <summary>Calls <paramref name="operation"/> with the given fields (a null value leaves the field out).</summary>
    public Task<LegacyAnswer> CallAsync(string operation, params (string Name, object? Value)[] fields) => CallAsync(operation, null, fields);

    public async Task<LegacyAnswer> CallAsync(string operation, string? traceparent, params (string Name, object? Value)[] fields)
    {
        var header = System is null ? null : new XElement(Soap + "Header", new XElement(Crm + "Caller", new XElement(Crm + "System", System), new XElement(Crm + "User", User)));
        var envelope = new XElement(Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soap", Soap.NamespaceName), new XAttribute(XNamespace.Xmlns + "crm", Crm.NamespaceName),
            header,
            new XElement(Soap + "Body", new XElement(Crm + operation,
                fields.Where(f => f.Value is not null).Select(f => new XElement(Crm + f.Name, Convert.ToString(f.Value, CultureInfo.InvariantCulture))))));
        return await PostAsync(envelope.ToString(SaveOptions.DisableFormatting), traceparent);
    }

    public async Task<LegacyAnswer> PostAsync(string body, string? traceparent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/CustomerService") { Content = new StringContent(body, Encoding.UTF8, "text/xml") };
        request.Headers.Add("SOAPAction", "\"\"");
        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new LegacyAnswer(response.StatusCode, XDocument.Parse(text).Root!.Element(Soap + "Body")!.Elements().Single());
    }

    public async Task<XElement> CustomerAsync(string id)
    {
        var answer = await CallAsync("GetCustomer", ("CustomerId", id));
        answer.EnsureNoFault();
        return answer.Content.Element(Crm + "Customer")!;
    }

    public void Dispose() => http.Dispose();
}

/// <summary>An answer: the operation's response element, or a SOAP fault with the legacy error in its detail.</summary>
internal sealed record LegacyAnswer(HttpStatusCode Status, XElement Content)
{
    public bool IsFault => Content.Name == LegacyClient.Soap + "Fault";

    public string? FaultCode => Content.Element("faultcode")?.Value;

    /// <summary>The legacy error, e.g. <c>E1041 VERSION_CONFLICT</c>.</summary>
    public string? LegacyError => IsFault ? Error("Code") + " " + Error("Name") : null;

    public long? CurrentVersion => Error("CurrentVersion") is { } version ? long.Parse(version, CultureInfo.InvariantCulture) : null;

    public string Text(string name) => Content.Descendants(LegacyClient.Crm + name).First().Value;

    public long Number(string name) => long.Parse(Text(name), CultureInfo.InvariantCulture);

    public void EnsureNoFault()
    {
        if (IsFault)
        {
            throw new InvalidOperationException("Unexpected fault " + Content);
        }
    }

    private string? Error(string name) => Content.Element("detail")?.Element(LegacyClient.Crm + "LegacyError")?.Element(LegacyClient.Crm + name)?.Value;
}

internal static class CustomerElements
{
    public static string? Field(this XElement element, string name) => element.Element(LegacyClient.Crm + name)?.Value;

    public static long Version(this XElement customer) => long.Parse(customer.Field("Version")!, CultureInfo.InvariantCulture);

    public static IEnumerable<XElement> Subscriptions(this XElement customer) => customer.Descendants(LegacyClient.Crm + "Subscription");

    public static IEnumerable<XElement> Accounts(this XElement customer) => customer.Descendants(LegacyClient.Crm + "Account");
}
