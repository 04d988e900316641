using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Dialtone.Legacy.Adapter;

/// <summary>
/// The legacy system's customer service (SOAP 1.1, tools/LegacySim/README.md) as a typed HttpClient behind the
/// resilience pipeline of <see cref="LegacyResilience"/>. Legacy's envelopes, codes and formats stop here: callers get
/// records, a <see cref="LegacyFaultException"/> when legacy refused, or a <see cref="LegacyUnavailableException"/> when
/// it could not be reached (down, timing out, or the circuit is open). Every call carries the W3C <c>traceparent</c>
/// of the change or request that caused it.
/// </summary>
internal sealed class LegacyCustomerService(HttpClient http, IOptions<LegacyOptions> options)
{
    public static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Crm = "urn:dialtone:legacysim:crm:1";

    public async Task<LegacyCustomer> GetCustomerAsync(string customerId, string? traceparent, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("GetCustomer", traceparent, write: false, [("CustomerId", customerId)], cancellationToken);
        return CustomerOf(answer.Element(Crm + "Customer") ?? throw new LegacyUnavailableException("GetCustomer answered no Customer."), customerId);
    }

    /// <summary>One page of customers in id order (keyset paging); <c>NextCursor</c> is null after the last page.</summary>
    public async Task<(IReadOnlyList<LegacyCustomer> Customers, string? NextCursor)> ListCustomersAsync(string? cursor, int pageSize, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("ListCustomers", null, write: false,
            [("Cursor", cursor ?? ""), ("PageSize", pageSize.ToString(CultureInfo.InvariantCulture))], cancellationToken);
        var customers = answer.Element(Crm + "Customers")?.Elements(Crm + "Customer").Select(c => CustomerOf(c, "")).ToList() ?? [];
        return (customers, Field(answer, "NextCursor") is { Length: > 0 } next ? next : null);
    }

    /// <summary>The change feed after <paramref name="sinceWatermark"/>, oldest first: names of changed fields, never values.</summary>
    public async Task<LegacyChangeFeedPage> GetChangesAsync(long sinceWatermark, int maxChanges, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("GetChanges", null, write: false,
            [("SinceWatermark", sinceWatermark.ToString(CultureInfo.InvariantCulture)), ("MaxChanges", maxChanges.ToString(CultureInfo.InvariantCulture))], cancellationToken);
        var changes = (answer.Element(Crm + "Changes")?.Elements(Crm + "Change") ?? []).Select(c => new LegacyFeedEntry(
            Number(c, "Watermark", "GetChanges"),
            Field(c, "Entity") ?? "",
            Field(c, "EntityId") ?? "",
            Field(c, "CustomerId") ?? "",
            Field(c, "Operation") ?? "",
            [.. (Field(c, "Fields") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Number(c, "NewVersion", "GetChanges"),
            c.Element(Crm + "Origin")?.Element(Crm + "System")?.Value ?? "",
            Field(c, "TraceId"))).ToList();
        return new LegacyChangeFeedPage(changes, Number(answer, "LastWatermark", "GetChanges"), Number(answer, "HighWatermark", "GetChanges"), Field(answer, "More") == "true");
    }

    private static LegacyCustomer CustomerOf(XElement customer, string customerId) =>
        new(
            Field(customer, "CustomerId") ?? customerId,
            long.TryParse(Field(customer, "Version") ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture, out var version)
                ? version
                : throw new LegacyUnavailableException("GetCustomer answered a Version that is not a number."),
            Field(customer, "Status"),
            Field(customer, "Email"),
            Field(customer, "Phone"),
            Field(customer, "Address"),
            [.. customer.Descendants(Crm + "Account").Select(a => Field(a, "AccountId")).OfType<string>()])
        {
            FirstName = Field(customer, "FirstName"),
            LastName = Field(customer, "LastName"),
            BirthDate = Field(customer, "BirthDate"),
            Subscriptions = [.. customer.Descendants(Crm + "Subscription")
                .Select(s => new LegacySubscription(Field(s, "SubscriptionId") ?? "", Field(s, "PlanCode") ?? "", Field(s, "Status") ?? ""))
                .Where(s => s.SubscriptionId.Length > 0)],
        };

    private static long Number(XElement element, string name, string operation) =>
        long.TryParse(Field(element, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new LegacyUnavailableException($"{operation} answered a {name} that is not a number.");

    public async Task<IReadOnlyList<LegacyBill>> GetBillHistoryAsync(string accountId, string? traceparent, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("GetBillHistory", traceparent, write: false, [("AccountId", accountId)], cancellationToken);
        return [.. answer.Descendants(Crm + "Bill").Select(b => new LegacyBill(
            Field(b, "BillId") ?? "",
            accountId,
            Date(Field(b, "BillDate")),
            Date(Field(b, "PeriodFrom")),
            Date(Field(b, "PeriodTo")),
            Date(Field(b, "DueDate")),
            decimal.TryParse(Field(b, "Amount") ?? "0", NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)
                ? amount
                : throw new LegacyUnavailableException("GetBillHistory answered an Amount that is not a number."),
            Field(b, "Currency") ?? "EUR",
            Field(b, "Status") ?? ""))];
    }

    /// <summary>A write (<c>UpdateContact</c>, <c>UpdateAddress</c>, <c>ChangeStatus</c>, <c>EraseCustomer</c>) at the version read; answers the record's new version.</summary>
    public async Task<long> WriteAsync(string operation, string customerId, long expectedVersion, IReadOnlyList<(string Name, string? Value)> fields, string? traceparent, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(operation, traceparent, write: true,
            [("CustomerId", customerId), ("ExpectedVersion", expectedVersion.ToString(CultureInfo.InvariantCulture)), .. fields], cancellationToken);
        return long.TryParse(Field(answer, "NewVersion") ?? throw new LegacyUnavailableException($"{operation} answered no NewVersion."),
            NumberStyles.Integer, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new LegacyUnavailableException($"{operation} answered a NewVersion that is not a number.");
    }

    private async Task<XElement> CallAsync(string operation, string? traceparent, bool write, IReadOnlyList<(string Name, string? Value)> fields, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var header = write
            ? new XElement(Soap + "Header", new XElement(Crm + "Caller", new XElement(Crm + "System", settings.CallerSystem), new XElement(Crm + "User", settings.CallerUser)))
            : null;
        var envelope = new XElement(Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soap", Soap.NamespaceName), new XAttribute(XNamespace.Xmlns + "crm", Crm.NamespaceName),
            header,
            new XElement(Soap + "Body", new XElement(Crm + operation, fields.Where(f => f.Value is not null).Select(f => new XElement(Crm + f.Name, f.Value)))));
        using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/CustomerService")
        {
            Content = new StringContent(envelope.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "text/xml"),
        };
        request.Headers.Add("SOAPAction", "\"\"");
        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new LegacyUnavailableException($"{operation}: {e.GetType().Name}", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            XElement body;
            try
            {
                body = Parse(text).Root?.Element(Soap + "Body")?.Elements().FirstOrDefault() ?? throw new XmlException("No SOAP Body.");
            }
            catch (XmlException)
            {
                throw new LegacyUnavailableException($"{operation}: HTTP {(int)response.StatusCode} without a SOAP answer.");
            }

            if (body.Name == Soap + "Fault")
            {
                throw LegacyFaultException.From(operation, body);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new LegacyUnavailableException($"{operation}: HTTP {(int)response.StatusCode}.");
            }

            return body;
        }
    }

    /// <summary>Whether an answer is worth trying again: no answer, a 5xx other than a SOAP fault, or a <c>soap:Server</c> fault (legacy busy, record locked).</summary>
    public static async ValueTask<bool> IsTransientAsync(HttpResponseMessage? response, Exception? exception)
    {
        if (exception is not null)
        {
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        if (response is null || (int)response.StatusCode < 500)
        {
            return false;
        }

        if (response.StatusCode != HttpStatusCode.InternalServerError)
        {
            return true;
        }

        var text = await response.Content.ReadAsStringAsync();
        try
        {
            var fault = Parse(text).Root?.Element(Soap + "Body")?.Element(Soap + "Fault");
            return fault is null || fault.Element("faultcode")?.Value.EndsWith(":Server", StringComparison.Ordinal) == true;
        }
        catch (XmlException)
        {
            return true;
        }
    }

    /// <summary>
    /// Whether an answer counts against legacy as a whole (the circuit breaker): no answer, a timeout, a 5xx other than
    /// a SOAP fault, or legacy's generic failure <c>E9001</c>. A fault about one record (<c>E1042 RECORD_LOCKED</c>) is
    /// retried but does not open the circuit for everyone.
    /// </summary>
    public static async ValueTask<bool> IsCircuitFailureAsync(HttpResponseMessage? response, Exception? exception)
    {
        if (exception is not null)
        {
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        if (response is null || (int)response.StatusCode < 500)
        {
            return false;
        }

        if (response.StatusCode != HttpStatusCode.InternalServerError)
        {
            return true;
        }

        var text = await response.Content.ReadAsStringAsync();
        try
        {
            var fault = Parse(text).Root?.Element(Soap + "Body")?.Element(Soap + "Fault");
            return fault is null
                || (fault.Element("faultcode")?.Value.EndsWith(":Server", StringComparison.Ordinal) == true
                    && fault.Element("detail")?.Element(Crm + "LegacyError")?.Element(Crm + "Code")?.Value == LegacyFaultException.SystemFailure);
        }
        catch (XmlException)
        {
            return true;
        }
    }

    private static XDocument Parse(string text)
    {
        using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 16 * 1024 * 1024 });
        return XDocument.Load(reader);
    }

    private static string? Field(XElement element, string name) => element.Element(Crm + name)?.Value;

    private static DateOnly? Date(string? value) =>
        DateOnly.TryParse(value?.Length > 10 ? value[..10] : value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}

/// <summary>A legacy customer record as the adapter needs it (a left-out element is null).</summary>
internal sealed record LegacyCustomer(string CustomerId, long Version, string? Status, string? Email, string? Phone, string? Address, IReadOnlyList<string> AccountIds)
{
    /// <summary>Legacy's raw first name (mastered by legacy, ADR 0018).</summary>
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    /// <summary>Legacy's raw birth date text (yyyy-MM-dd when valid).</summary>
    public string? BirthDate { get; init; }

    /// <summary>The subscriptions of all the customer's accounts, as legacy holds them.</summary>
    public IReadOnlyList<LegacySubscription> Subscriptions { get; init; } = [];
}

/// <summary>A legacy subscription (a line): its id, legacy plan code and legacy status code (<c>90</c> cancelled and <c>99</c> ported out are not live).</summary>
internal sealed record LegacySubscription(string SubscriptionId, string PlanCode, string Status)
{
    public bool IsLive => Status is not ("90" or "99");
}

/// <summary>One entry of legacy's change feed: what changed (field names, no values), the record's new version, and who wrote it.</summary>
internal sealed record LegacyFeedEntry(long Watermark, string Entity, string EntityId, string CustomerId, string Operation, IReadOnlyList<string> Fields, long NewVersion,
    string OriginSystem, string? TraceId);

/// <summary>A page of the change feed: <c>LastWatermark</c> is where the next page starts.</summary>
internal sealed record LegacyChangeFeedPage(IReadOnlyList<LegacyFeedEntry> Changes, long LastWatermark, long HighWatermark, bool More);

/// <summary>One bill of legacy's bill history.</summary>
internal sealed record LegacyBill(string BillId, string AccountId, DateOnly? BillDate, DateOnly? PeriodFrom, DateOnly? PeriodTo, DateOnly? DueDate, decimal Amount, string Currency, string Status);

/// <summary>Legacy answered with a SOAP fault: <see cref="Retryable"/> for <c>soap:Server</c> (busy, locked), final for <c>soap:Client</c>.</summary>
internal sealed class LegacyFaultException(string operation, string code, string name, bool retryable, long? currentVersion)
    : Exception($"{operation}: {code} {name}")
{
    public const string VersionConflict = "E1041";
    public const string RecordErased = "E1043";

    /// <summary>No such customer, account or subscription in legacy.</summary>
    public const string RecordNotFound = "E1010";

    /// <summary>Legacy's generic failure (busy, internal error): the only SOAP fault the circuit breaker counts.</summary>
    public const string SystemFailure = "E9001";

    public string Code { get; } = code;

    public string Name { get; } = name;

    public bool Retryable { get; } = retryable;

    public long? CurrentVersion { get; } = currentVersion;

    public static LegacyFaultException From(string operation, XElement fault)
    {
        var error = fault.Element("detail")?.Element(LegacyCustomerService.Crm + "LegacyError");
        string? Part(string name) => error?.Element(LegacyCustomerService.Crm + name)?.Value;
        var version = long.TryParse(Part("CurrentVersion"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var current) ? current : (long?)null;
        return new LegacyFaultException(operation, Part("Code") ?? "E????", Part("Name") ?? "UNKNOWN",
            fault.Element("faultcode")?.Value.EndsWith(":Server", StringComparison.Ordinal) == true, version);
    }
}

/// <summary>Legacy could not be reached, did not answer in time, or its circuit is open: try again later.</summary>
internal sealed class LegacyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
