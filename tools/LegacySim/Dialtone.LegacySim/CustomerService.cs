using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dialtone.LegacySim.Data;
using Dialtone.LegacySim.Soap;
using Dialtone.Standins;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static Dialtone.LegacySim.Soap.SoapMessage;

namespace Dialtone.LegacySim;

/// <summary>
/// The legacy CRM's SOAP service, <c>POST /legacy/CustomerService</c>: one operation per envelope, answered with
/// <c>&lt;Operation&gt;Response</c> or a SOAP fault. Every call is logged with its operation, record id, version, origin
/// and trace id, and never with a person's data.
/// </summary>
internal sealed partial class CustomerService(LegacyRecords records, StandinStore store, ILogger logger, int maxRequestBytes)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;
    public const int MaxChanges = 1000;

    public async Task HandleAsync(HttpContext context)
    {
        var traceId = TraceId(context.Request.Headers["traceparent"].ToString());
        var operation = "?";
        try
        {
            // The body is read even when the caller has gone: a timed-out call is still carried out, as legacy systems do.
            var request = await ReadAsync(context.Request, maxRequestBytes, CancellationToken.None);
            operation = request.Operation.Name.LocalName;
            var (answer, recordId, version, origin) = Run(request, traceId);
            LogCall(logger, operation, recordId, version, origin, traceId ?? "-");
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await WriteAsync(context.Response, StatusCodes.Status200OK, answer);
            }
        }
        catch (LegacyFault fault)
        {
            store.Increment("faults");
            if (fault.Name == "VERSION_CONFLICT")
            {
                store.Increment("versionConflicts");
            }

            LogFault(logger, operation, fault.Code, fault.Name, traceId ?? "-");
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await WriteFaultAsync(context.Response, fault);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            store.Increment("faults");
            LogFailure(logger, operation, traceId ?? "-", e.GetType().Name);
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                await WriteFaultAsync(context.Response, LegacyFault.Internal());
            }
        }
    }

    private (XElement Answer, string RecordId, long? Version, string Origin) Run(SoapRequest request, string? traceId)
    {
        var input = request.Operation;
        var name = input.Name.LocalName;
        if (input.Name.Namespace != Crm)
        {
            throw LegacyFault.UnknownOperation(name);
        }

        switch (name)
        {
            case "GetCustomer":
            {
                var id = Required(input, "CustomerId");
                var customer = records.GetCustomer(id) ?? throw LegacyFault.NotFound("customer");
                return (Response(name, CustomerElement(customer)), id, customer.Version, Origin(request));
            }

            case "ListCustomers":
            {
                var after = Cursor(Text(input, "Cursor"));
                var pageSize = OptionalNumber(input, "PageSize", DefaultPageSize);
                if (pageSize is < 1 or > MaxPageSize)
                {
                    throw LegacyFault.InvalidField("PageSize", $"between 1 and {MaxPageSize}");
                }

                var page = records.ListCustomers(after, pageSize);
                var next = page.Count == pageSize ? CursorAfter(page[^1].Id) : "";
                return (Response(name, new XElement(Crm + "Customers", page.Select(CustomerElement)), new XElement(Crm + "NextCursor", next)),
                    page.Count > 0 ? page[0].Id : "-", null, Origin(request));
            }

            case "GetBillHistory":
            {
                var accountId = Required(input, "AccountId");
                if (!records.AccountExists(accountId))
                {
                    throw LegacyFault.NotFound("account");
                }

                var bills = records.GetBills(accountId);
                return (Response(name, new XElement(Crm + "AccountId", accountId), new XElement(Crm + "Bills", bills.Select(b => new XElement(Crm + "Bill",
                    new XElement(Crm + "BillId", b.Id), new XElement(Crm + "BillDate", b.BillDate), new XElement(Crm + "PeriodFrom", b.PeriodFrom),
                    new XElement(Crm + "PeriodTo", b.PeriodTo), new XElement(Crm + "DueDate", b.DueDate), new XElement(Crm + "Amount", b.Amount),
                    new XElement(Crm + "Currency", b.Currency), new XElement(Crm + "Status", b.Status))))), accountId, null, Origin(request));
            }

            case "GetChanges":
            {
                var since = Text(input, "SinceWatermark") is { Length: > 0 } ? RequiredNumber(input, "SinceWatermark") : 0;
                var max = OptionalNumber(input, "MaxChanges", 100);
                if (max is < 1 or > MaxChanges)
                {
                    throw LegacyFault.InvalidField("MaxChanges", $"between 1 and {MaxChanges}");
                }

                var (changes, high) = records.GetChanges(since, max);
                var last = changes.Count > 0 ? changes[^1].Watermark : since;
                return (Response(name,
                    new XElement(Crm + "Changes", changes.Select(c => new XElement(Crm + "Change",
                        new XElement(Crm + "Watermark", c.Watermark), new XElement(Crm + "ChangedAt", c.At), new XElement(Crm + "Entity", c.Entity),
                        new XElement(Crm + "EntityId", c.EntityId), new XElement(Crm + "CustomerId", c.CustomerId), new XElement(Crm + "Operation", c.Operation),
                        new XElement(Crm + "Fields", c.Fields), new XElement(Crm + "NewVersion", c.NewVersion),
                        new XElement(Crm + "Origin", new XElement(Crm + "System", c.OriginSystem), new XElement(Crm + "User", c.OriginUser)),
                        Field("TraceId", c.TraceId)))),
                    new XElement(Crm + "LastWatermark", last),
                    new XElement(Crm + "HighWatermark", high),
                    new XElement(Crm + "More", last < high ? "true" : "false")), "-", null, Origin(request));
            }

            case "UpdateContact":
            {
                var (id, expected, caller) = WriteHeader(request, traceId);
                var email = Text(input, "Email");
                var phone = Text(input, "Phone");
                if (email is null && phone is null)
                {
                    throw LegacyFault.InvalidField("Email", "Email or Phone is required");
                }

                Bounded("Email", email, 80);
                Bounded("Phone", phone, 30);
                return Written(name, id, records.UpdateContact(id, expected, caller, email, phone), caller);
            }

            case "UpdateAddress":
            {
                var (id, expected, caller) = WriteHeader(request, traceId);
                var address = Text(input, "Address") ?? throw LegacyFault.InvalidField("Address", "required (empty to clear)");
                Bounded("Address", address, 200);
                return Written(name, id, records.UpdateAddress(id, expected, caller, address), caller);
            }

            case "ChangePlan":
            {
                var (id, expected, caller) = WriteHeader(request, traceId);
                return Written(name, id, records.ChangePlan(id, expected, caller, Required(input, "SubscriptionId"), Required(input, "PlanCode")), caller);
            }

            case "ChangeStatus":
            {
                var (id, expected, caller) = WriteHeader(request, traceId);
                var subscription = Text(input, "SubscriptionId") is { Length: > 0 } s ? s : null;
                return Written(name, id, records.ChangeStatus(id, expected, caller, Required(input, "Status"), subscription), caller);
            }

            case "EraseCustomer":
            {
                var (id, expected, caller) = WriteHeader(request, traceId);
                return Written(name, id, records.EraseCustomer(id, expected, caller), caller);
            }

            default:
                throw LegacyFault.UnknownOperation(name);
        }
    }

    private (XElement, string, long?, string) Written(string operation, string customerId, long version, Caller caller)
    {
        store.Increment("writes");
        return (Response(operation, new XElement(Crm + "CustomerId", customerId), new XElement(Crm + "NewVersion", version)), customerId, version,
            caller.System + "/" + caller.User);
    }

    private static (string CustomerId, long ExpectedVersion, Caller Caller) WriteHeader(SoapRequest request, string? traceId)
    {
        if (string.IsNullOrWhiteSpace(request.System) || string.IsNullOrWhiteSpace(request.User))
        {
            throw LegacyFault.CallerRequired();
        }

        Bounded("System", request.System, 40);
        Bounded("User", request.User, 80);
        return (Required(request.Operation, "CustomerId"), RequiredNumber(request.Operation, "ExpectedVersion"), new Caller(request.System, request.User, traceId));
    }

    private static void Bounded(string field, string? value, int max)
    {
        if (value is { Length: var length } && length > max)
        {
            throw LegacyFault.InvalidField(field, $"at most {max} characters");
        }
    }

    private static string Origin(SoapRequest request) => (request.System ?? "-") + "/" + (request.User ?? "-");

    private static XElement Response(string operation, params object[] content) => new(Crm + (operation + "Response"), content);

    public static XElement CustomerElement(LegacyCustomer c) => new(Crm + "Customer",
        new XElement(Crm + "CustomerId", c.Id),
        new XElement(Crm + "Version", c.Version),
        new XElement(Crm + "Status", c.Status),
        Field("FirstName", c.FirstName),
        Field("LastName", c.LastName),
        Field("BirthDate", c.BirthDate),
        Field("Email", c.Email),
        Field("Phone", c.Phone),
        Field("Address", c.Address),
        new XElement(Crm + "CreatedOn", c.CreatedOn),
        new XElement(Crm + "UpdatedAt", c.UpdatedAt),
        new XElement(Crm + "Accounts", c.Accounts.Select(a => new XElement(Crm + "Account",
            new XElement(Crm + "AccountId", a.Id),
            new XElement(Crm + "Status", a.Status),
            new XElement(Crm + "BillCycleDay", a.BillCycleDay),
            new XElement(Crm + "PaymentMethod", a.PaymentMethod),
            new XElement(Crm + "OpenedOn", a.OpenedOn),
            new XElement(Crm + "Subscriptions", a.Subscriptions.Select(s => new XElement(Crm + "Subscription",
                new XElement(Crm + "SubscriptionId", s.Id),
                new XElement(Crm + "Msisdn", s.Msisdn),
                new XElement(Crm + "PlanCode", s.PlanCode),
                new XElement(Crm + "Status", s.Status),
                new XElement(Crm + "ActivatedOn", s.ActivatedOn))))))));

    /// <summary>The cursor is opaque to callers: the last customer id of the page, base64url.</summary>
    private static string CursorAfter(string customerId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + customerId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Cursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return "";
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return text.StartsWith("after:", StringComparison.Ordinal) ? text["after:".Length..] : throw LegacyFault.InvalidCursor();
        }
        catch (FormatException)
        {
            throw LegacyFault.InvalidCursor();
        }
    }

    /// <summary>The trace id of a W3C <c>traceparent</c> (<c>00-{trace id}-{parent id}-{flags}</c>), or null when there is none or it is not valid.</summary>
    private static string? TraceId(string traceparent)
    {
        var match = TraceParent().Match(traceparent);
        return match.Success && match.Groups[1].Value != new string('0', 32) ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex TraceParent();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation} record {RecordId} version {Version} origin {Origin} trace {TraceId}")]
    private static partial void LogCall(ILogger logger, string operation, string recordId, long? version, string origin, string traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation} fault {Code} {Name} trace {TraceId}")]
    private static partial void LogFault(ILogger logger, string operation, string code, string name, string traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Operation} failed ({ErrorType}) trace {TraceId}")]
    private static partial void LogFailure(ILogger logger, string operation, string traceId, string errorType);
}
