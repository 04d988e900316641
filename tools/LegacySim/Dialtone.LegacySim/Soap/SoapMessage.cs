using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Dialtone.LegacySim.Soap;

/// <summary>
/// The SOAP 1.1 envelopes of the legacy API: reads a request (strictly bounded: no DTDs, no external entities, a size
/// limit) and writes answers and faults. Faults are HTTP 500, as SOAP 1.1 has them.
/// </summary>
internal static class SoapMessage
{
    public static readonly XNamespace Envelope = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Crm = "urn:dialtone:legacysim:crm:1";

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 0,
        Async = true,
    };

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        Async = true,
        Indent = false,
    };

    /// <summary>Reads the envelope; a body too large, not XML or not a SOAP envelope is a client fault.</summary>
    public static async Task<SoapRequest> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw LegacyFault.TooLarge(maxBytes);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw LegacyFault.TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(buffer, ReaderSettings);
            document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken);
        }
        catch (XmlException)
        {
            throw LegacyFault.Malformed("The request is not well-formed XML, or uses a DTD.");
        }

        var root = document.Root;
        if (root is null || root.Name != Envelope + "Envelope")
        {
            throw LegacyFault.Malformed("The request is not a SOAP 1.1 Envelope.");
        }

        var body = root.Element(Envelope + "Body") ?? throw LegacyFault.Malformed("The Envelope has no Body.");
        var operations = body.Elements().ToList();
        if (operations.Count != 1)
        {
            throw LegacyFault.Malformed("The Body must hold exactly one operation.");
        }

        var caller = root.Element(Envelope + "Header")?.Elements().FirstOrDefault(e => e.Name.LocalName == "Caller");
        var system = Text(caller, "System");
        var user = Text(caller, "User");
        return new SoapRequest(operations[0], system, user);
    }

    public static async Task WriteAsync(HttpResponse response, int status, XElement content)
    {
        response.StatusCode = status;
        response.ContentType = "text/xml; charset=utf-8";
        var document = new XDocument(new XElement(Envelope + "Envelope",
            new XAttribute(XNamespace.Xmlns + "soap", Envelope.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "crm", Crm.NamespaceName),
            new XElement(Envelope + "Body", content)));
        await using var writer = XmlWriter.Create(response.Body, WriterSettings);
        await document.SaveAsync(writer, CancellationToken.None);
    }

    public static Task WriteFaultAsync(HttpResponse response, LegacyFault fault) =>
        WriteAsync(response, StatusCodes.Status500InternalServerError, new XElement(Envelope + "Fault",
            new XElement("faultcode", "soap:" + (fault.ClientFault ? "Client" : "Server")),
            new XElement("faultstring", $"{fault.Code} {fault.Name}: {fault.Message}"),
            new XElement("detail", new XElement(Crm + "LegacyError",
                new XElement(Crm + "Code", fault.Code),
                new XElement(Crm + "Name", fault.Name),
                new XElement(Crm + "Message", fault.Message),
                fault.CurrentVersion is { } version ? new XElement(Crm + "CurrentVersion", version) : null))));

    /// <summary>The text of the child named <paramref name="name"/> (any namespace), or null when there is no such child.</summary>
    public static string? Text(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public static string Required(XElement parent, string name) =>
        Text(parent, name) is { Length: > 0 } value ? value : throw LegacyFault.InvalidField(name, "required");

    public static long RequiredNumber(XElement parent, string name) =>
        long.TryParse(Required(parent, name), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw LegacyFault.InvalidField(name, "a whole number");

    public static int OptionalNumber(XElement parent, string name, int defaultValue) => Text(parent, name) switch
    {
        null or "" => defaultValue,
        var text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw LegacyFault.InvalidField(name, "a whole number"),
    };

    /// <summary>An element in the legacy namespace, left out when the value is null (null and empty differ in legacy data).</summary>
    public static XElement? Field(string name, object? value) => value is null ? null : new XElement(Crm + name, value);
}

/// <summary>An operation element from a request's Body, and who called (the Caller header), if they said.</summary>
internal sealed record SoapRequest(XElement Operation, string? System, string? User);
