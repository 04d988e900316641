namespace Dialtone.LegacySim.Tests;

/// <summary>Whatever arrives, the legacy API answers with a fault and keeps running.</summary>
[Collection(LegacySimCollection.Name)]
public sealed class MalformedRequests(LegacySimFixture fixture)
{
    public static TheoryData<string, string> Requests => new()
    {
        { "this is not XML", "E1001 MALFORMED_REQUEST" },
        { "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><GetCustomer>", "E1001 MALFORMED_REQUEST" },
        { "<Order><Id>1</Id></Order>", "E1001 MALFORMED_REQUEST" },
        { "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/></soap:Envelope>", "E1001 MALFORMED_REQUEST" },
        { "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/></soap:Envelope>", "E1001 MALFORMED_REQUEST" },
        { "<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><c:GetCustomer xmlns:c=\"urn:dialtone:legacysim:crm:1\"><c:CustomerId>&x;</c:CustomerId></c:GetCustomer></soap:Body></soap:Envelope>", "E1001 MALFORMED_REQUEST" },
        { "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><c:DropTables xmlns:c=\"urn:dialtone:legacysim:crm:1\"/></soap:Body></soap:Envelope>", "E1002 UNKNOWN_OPERATION" },
        { "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><GetCustomer><CustomerId>C00000001</CustomerId></GetCustomer></soap:Body></soap:Envelope>", "E1002 UNKNOWN_OPERATION" },
        { "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><c:GetCustomer xmlns:c=\"urn:dialtone:legacysim:crm:1\"/></soap:Body></soap:Envelope>", "E1003 INVALID_FIELD" },
        { "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><c:GetCustomer xmlns:c=\"urn:dialtone:legacysim:crm:1\"><c:CustomerId>C99999999</c:CustomerId></c:GetCustomer></soap:Body></soap:Envelope>", "E1010 RECORD_NOT_FOUND" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task ABadRequestIsAClientFault(string body, string expected)
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);

        var answer = await legacy.PostAsync(body);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("soap:Client", answer.FaultCode);
        Assert.Equal(expected, answer.LegacyError);
        Assert.StartsWith(expected.Split(' ')[0], answer.Content.Element("faultstring")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOversizedBodyIsRefusedAndTheSystemStaysUp()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl);
        var padding = new string('x', 70_000);

        var oversized = await legacy.CallAsync("UpdateAddress", ("CustomerId", "C00000401"), ("ExpectedVersion", 1), ("Address", padding));
        var wrongVersionType = await legacy.CallAsync("UpdateAddress", ("CustomerId", "C00000401"), ("ExpectedVersion", "one"), ("Address", "x"));
        var tooLong = await legacy.CallAsync("UpdateAddress", ("CustomerId", "C00000401"), ("ExpectedVersion", 1), ("Address", new string('y', 201)));

        Assert.Equal("E1004 REQUEST_TOO_LARGE", oversized.LegacyError);
        Assert.Equal("E1003 INVALID_FIELD", wrongVersionType.LegacyError);
        Assert.Equal("E1003 INVALID_FIELD", tooLong.LegacyError);
        Assert.Equal("C00000401", (await legacy.CustomerAsync("C00000401")).Field("CustomerId"));
    }
}
