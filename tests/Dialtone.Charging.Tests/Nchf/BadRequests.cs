using System.Net;
using System.Text.Json.Nodes;
using Dialtone.Testing;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// Whatever the consumer sends, the answer is a TS 29.571 ProblemDetails with the spec's cause and the field at fault,
/// never a 500, and nothing is charged.
/// </summary>
public sealed class BadRequests(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Imsi = "001010000099001";

    public static TheoryData<string, string, string, string?> Malformed => new()
    {
        { "{", "INVALID_MSG_FORMAT", "malformed JSON", "/" },
        { "[]", "INVALID_MSG_FORMAT", "an array", "/" },
        { """{"invocationTimeStamp":"2026-11-26T09:00:00Z","invocationSequenceNumber":1}""", "MANDATORY_IE_MISSING", "no consumer", "/nfConsumerIdentification" },
        { """{"nfConsumerIdentification":{"nFName":"a"},"invocationTimeStamp":"2026-11-26T09:00:00Z","invocationSequenceNumber":1}""", "MANDATORY_IE_MISSING", "no node functionality", "/nfConsumerIdentification/nodeFunctionality" },
        { """{"nfConsumerIdentification":{"nodeFunctionality":"SMF"},"invocationSequenceNumber":1}""", "MANDATORY_IE_MISSING", "no time stamp", "/invocationTimeStamp" },
        { """{"nfConsumerIdentification":{"nodeFunctionality":"SMF"},"invocationTimeStamp":"2026-11-26T09:00:00Z"}""", "MANDATORY_IE_MISSING", "no sequence number", "/invocationSequenceNumber" },
        { """{"nfConsumerIdentification":{"nodeFunctionality":"SMF"},"invocationTimeStamp":"2026-11-26T09:00:00Z","invocationSequenceNumber":"one"}""", "INVALID_MSG_FORMAT", "a string sequence number", "/invocationSequenceNumber" },
        { """{"nfConsumerIdentification":{"nodeFunctionality":"SMF"},"invocationTimeStamp":"yesterday","invocationSequenceNumber":1}""", "INVALID_MSG_FORMAT", "a bad time stamp", "/invocationTimeStamp" },
        { """{"nfConsumerIdentification":{"nodeFunctionality":"SMF"},"invocationTimeStamp":"2026-11-26T09:00:00Z","invocationSequenceNumber":4294967296}""", "MANDATORY_IE_INCORRECT", "a sequence number beyond Uint32", "/invocationSequenceNumber" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AnUpdateThatDoesNotValidateIs400NamingTheField(string body, string cause, string what, string? field)
    {
        var app = apps.For(TestDatabase.Sqlite);
        using var smf = Smf.Client(app);
        var (status, problem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata/{Guid.NewGuid():N}-1/update", body);
        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {(int)status} {problem}");
        Assert.Equal(cause, problem!["cause"]!.GetValue<string>());
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.Contains(field!, problem["invalidParams"]![0]!["param"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task ACreateNamesItsSubscriberAndItsUnitsCorrectly(TestDatabase database)
    {
        var app = apps.For(database);
        var account = await Smf.OpenAccountAsync(app, Imsi, dataMb: 100);
        using var smf = Smf.Client(app);

        var noSubscriber = Smf.Request(null, 1);
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", noSubscriber, HttpStatusCode.BadRequest, "MANDATORY_IE_MISSING", "/subscriberIdentifier");

        var noPdu = Smf.Request(Imsi, 1);
        noPdu.Remove("pDUSessionChargingInformation");
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", noPdu, HttpStatusCode.BadRequest, "MANDATORY_IE_MISSING", "/pDUSessionChargingInformation");

        var noGroup = Smf.Request(Imsi, 1);
        noGroup["multipleUnitUsage"]![0]!.AsObject().Remove("ratingGroup");
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", noGroup, HttpStatusCode.BadRequest, "MANDATORY_IE_MISSING", "/multipleUnitUsage/0/ratingGroup");

        var twice = Smf.Request(Imsi, 1);
        twice["multipleUnitUsage"]!.AsArray().Add(new JsonObject { ["ratingGroup"] = Smf.DataGroup });
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", twice, HttpStatusCode.BadRequest, "MANDATORY_IE_INCORRECT", "/multipleUnitUsage/1/ratingGroup");

        var negative = Smf.Request(Imsi, 1, used: -5);
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", negative, HttpStatusCode.BadRequest, "MANDATORY_IE_INCORRECT", "/multipleUnitUsage/0/usedUnitContainer/0/totalVolume");

        var noLocal = Smf.Request(Imsi, 1, used: 5);
        noLocal["multipleUnitUsage"]![0]!["usedUnitContainer"]![0]!.AsObject().Remove("localSequenceNumber");
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", noLocal, HttpStatusCode.BadRequest, "MANDATORY_IE_MISSING", "/multipleUnitUsage/0/usedUnitContainer/0/localSequenceNumber");

        var wrongType = Smf.Request(Imsi, 1);
        wrongType["multipleUnitUsage"]![0]!["ratingGroup"] = "ten";
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", wrongType, HttpStatusCode.BadRequest, "INVALID_MSG_FORMAT", "/multipleUnitUsage/0/ratingGroup");

        var badUri = Smf.Request(Imsi, 1);
        badUri["notifyUri"] = "not a uri";
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", badUri, HttpStatusCode.BadRequest, "OPTIONAL_IE_INCORRECT", "/notifyUri");
        // The consumer may not aim notifications at hosts the operator did not list (SSRF), nor carry credentials.
        badUri["notifyUri"] = "http://10.0.0.5:8080/admin";
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", badUri, HttpStatusCode.BadRequest, "OPTIONAL_IE_INCORRECT", "/notifyUri");
        badUri["notifyUri"] = "http://user:secret@127.0.0.1:9/nchf-notify";
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", badUri, HttpStatusCode.BadRequest, "OPTIONAL_IE_INCORRECT", "/notifyUri");

        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request("001010000099999", 1), HttpStatusCode.NotFound, "USER_UNKNOWN", null);
        var nai = Smf.Request(Imsi, 1);
        nai["subscriberIdentifier"] = "nai-someone@example.com";
        await RefusedAsync(smf, $"{Smf.Api}/chargingdata", nai, HttpStatusCode.NotFound, "USER_UNKNOWN", null);

        // None of it reached the account.
        var balance = await Smf.BalanceAsync(app, account);
        Assert.Equal(0, balance!.OpenSessions);
        Assert.Equal(0, Assert.Single(balance.Buckets).Held);
    }

    [Theory]
    [InlineData("0123")]
    [InlineData("not-a-ref")]
    [InlineData("00000000000000000000000000000000-1")]
    public async Task AnUnknownChargingDataRefIs404(string reference)
    {
        var app = apps.For(TestDatabase.Sqlite);
        using var smf = Smf.Client(app);
        foreach (var operation in new[] { "update", "release" })
        {
            await RefusedAsync(smf, $"{Smf.Api}/chargingdata/{reference}/{operation}", Smf.Request(null, 1), HttpStatusCode.NotFound, "CONTEXT_NOT_FOUND", null);
        }
    }

    [Fact]
    public async Task OversizedWrongMediaTypeAndEmptyBodiesAreRefused()
    {
        var app = apps.For(TestDatabase.Sqlite);
        using var smf = Smf.Client(app);
        var huge = Smf.Request(Imsi, 1);
        huge["padding"] = new string('x', 70 * 1024);
        var (tooLarge, problem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.Equal("PAYLOAD_TOO_LARGE", problem!["cause"]!.GetValue<string>());

        var (media, mediaProblem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", Smf.Request(Imsi, 1).ToJsonString(), "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, media);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", mediaProblem!["cause"]!.GetValue<string>());

        var (empty, emptyProblem, _) = await Smf.PostAsync(smf, $"{Smf.Api}/chargingdata", "");
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.Equal("INVALID_MSG_FORMAT", emptyProblem!["cause"]!.GetValue<string>());
        Assert.Empty(app.Errors.Unexpected);
    }

    [Fact]
    public async Task OnlyTheNetworkMayChargeOnTheMainPort()
    {
        var app = apps.For(TestDatabase.Sqlite);
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Smf.PostAsync(anonymous, $"{Smf.Api}/chargingdata", Smf.Request(Imsi, 1))).Status);
        using var customer = app.ClientAs("user-1", "customer");
        Assert.Equal(HttpStatusCode.Forbidden, (await Smf.PostAsync(customer, $"{Smf.Api}/chargingdata", Smf.Request(Imsi, 1))).Status);
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.Forbidden, (await Smf.PostAsync(admin, $"{Smf.Api}/chargingdata", Smf.Request(Imsi, 1))).Status);
    }

    private static async Task RefusedAsync(HttpClient client, string path, JsonObject body, HttpStatusCode status, string cause, string? pointer)
    {
        var (answered, problem, _) = await Smf.PostAsync(client, path, body);
        Assert.True(answered == status, $"{path}: {(int)answered} {problem}");
        Assert.Equal(cause, problem!["cause"]!.GetValue<string>());
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        if (pointer is not null)
        {
            Assert.Equal(pointer, problem["invalidParams"]![0]!["param"]!.GetValue<string>());
        }
    }
}
