using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dialtone.Charging.Accounts;
using Dialtone.Charging.Grains;
using Dialtone.Platform.PersonalData;
using Dialtone.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// The 5G core's side of Nchf in tests: an SMF that opens, updates and releases charging sessions with
/// TS 32.291 bodies, and a way to give a test subscriber a charging account as a completed order would.
/// </summary>
internal static class Smf
{
    public const string Api = "/nchf-convergedcharging/v3";
    public const int DataGroup = 10;
    public const long Mb = 1_000_000;

    /// <summary>A client of the main port as the 5G core (role network, scope nchf-convergedcharging).</summary>
    public static HttpClient Client(DialtoneApp app) => app.ClientAs("smf-1", "network");

    public const int VoiceGroup = 20;
    public const int SmsGroup = 30;

    /// <summary>
    /// Opens an account for <paramref name="imsi"/> with <paramref name="dataMb"/> MB and a per-MB price beyond it, and,
    /// when asked, a voice allowance (seconds) priced per started minute beyond it and an SMS allowance priced per SMS.
    /// </summary>
    public static async Task<Guid> OpenAccountAsync(DialtoneApp app, string imsi, long dataMb, bool prepaid = false, decimal credit = 0, decimal? pricePerMb = 0.01m,
        long? voiceSeconds = null, long? sms = null, string? productId = null)
    {
        productId ??= "line-" + Guid.NewGuid().ToString("N")[..8];
        var account = ChargingAccountIds.Of(productId);
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var prices = new List<PriceTerms>();
        var allowances = new List<AllowanceTerms> { new($"{productId}/dataAllowance", "plan", "octet", dataMb * Mb, [DataGroup], "home", "billingCycle", false, 10, null) };
        if (pricePerMb is { } price)
        {
            prices.Add(new PriceTerms("data-per-mb", [DataGroup], "EUR", "1 MB", [new TierTerms(0, null, price)]));
        }

        if (voiceSeconds is { } seconds)
        {
            prices.Add(new PriceTerms("calls-per-minute", [VoiceGroup], "EUR", "60 s", [new TierTerms(0, null, 0.09m)]));
            allowances.Add(new($"{productId}/voiceAllowance", "plan", "second", seconds, [VoiceGroup], "EU", "billingCycle", false, 10, null));
        }

        if (sms is { } messages)
        {
            prices.Add(new PriceTerms("sms", [SmsGroup], "EUR", "1 SMS", [new TierTerms(0, null, 0.09m)]));
            allowances.Add(new($"{productId}/smsAllowance", "plan", "event", messages, [SmsGroup], "EU", "billingCycle", false, 10, null));
        }

        await grains.GetGrain<IChargingAccountGrain>(account).ApplyAsync(new AccountChange("order-1/line", AccountChangeKind.Open, productId, app.Clock.GetUtcNow(),
            new AccountTerms(prepaid, "EUR", 1, null, credit, prices), allowances));
        var protector = app.Services.GetRequiredService<PersonalDataProtector>();
        await grains.GetGrain<ISubscriberGrain>(SubscriberKeys.OfImsi(protector, imsi)).AssignAsync(account);
        return account;
    }

    /// <summary>The request's header: who asks, when, which sequence number.</summary>
    public static JsonObject Header(long sequence, string? imsi = null)
    {
        var body = new JsonObject
        {
            ["nfConsumerIdentification"] = new JsonObject { ["nFName"] = "5f7c2a9e-0000-4000-8000-00000000a001", ["nodeFunctionality"] = "SMF" },
            ["invocationTimeStamp"] = "2026-11-26T09:00:00Z",
            ["invocationSequenceNumber"] = sequence,
        };
        if (imsi is not null)
        {
            body["subscriberIdentifier"] = $"imsi-{imsi}";
        }

        return body;
    }

    public static Task<AccountBalance?> BalanceAsync(DialtoneApp app, Guid account) =>
        app.Services.GetRequiredService<IGrainFactory>().GetGrain<IChargingAccountGrain>(account).BalanceAsync();

    public static Task ChangeAsync(DialtoneApp app, Guid account, AccountChange change) =>
        app.Services.GetRequiredService<IGrainFactory>().GetGrain<IChargingAccountGrain>(account).ApplyAsync(change);

    /// <summary>A ChargingDataRequest: one data rating group asking <paramref name="requestMb"/> MB and reporting <paramref name="used"/> octets.</summary>
    public static JsonObject Request(string? imsi, long sequence, long? requestMb = 10, long? used = null, long localSequence = 1, long chargingId = 4711)
    {
        var usage = new JsonObject { ["ratingGroup"] = DataGroup };
        if (requestMb is { } mb)
        {
            usage["requestedUnit"] = new JsonObject { ["totalVolume"] = mb * Mb };
        }

        if (used is { } octets)
        {
            usage["usedUnitContainer"] = new JsonArray(new JsonObject
            {
                ["localSequenceNumber"] = localSequence, ["totalVolume"] = octets, ["uplinkVolume"] = octets / 4, ["downlinkVolume"] = octets - (octets / 4),
            });
        }

        var body = new JsonObject
        {
            ["nfConsumerIdentification"] = new JsonObject { ["nFName"] = "5f7c2a9e-0000-4000-8000-00000000a001", ["nodeFunctionality"] = "SMF" },
            ["invocationTimeStamp"] = "2026-11-26T09:00:00Z",
            ["invocationSequenceNumber"] = sequence,
            ["notifyUri"] = "http://127.0.0.1:9/nchf-notify",
            ["multipleUnitUsage"] = new JsonArray(usage),
            ["pDUSessionChargingInformation"] = new JsonObject
            {
                ["chargingId"] = chargingId,
                ["userInformation"] = new JsonObject { ["servedGPSI"] = "msisdn-4915112345678" },
                ["pduSessionInformation"] = new JsonObject { ["pduSessionID"] = 5 },
            },
        };
        if (imsi is not null)
        {
            body["subscriberIdentifier"] = $"imsi-{imsi}";
        }

        return body;
    }

    public static async Task<(HttpStatusCode Status, JsonObject? Body, string? Location)> PostAsync(HttpClient client, string path, JsonNode body) =>
        await PostAsync(client, path, body.ToJsonString());

    public static async Task<(HttpStatusCode Status, JsonObject? Body, string? Location)> PostAsync(HttpClient client, string path, string body, string mediaType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject(), response.Headers.Location?.ToString());
    }

    /// <summary>Opens a session and returns its ChargingDataRef (the last segment of the Location header).</summary>
    public static async Task<string> CreateAsync(HttpClient client, string imsi, long requestMb = 10, long chargingId = 4711)
    {
        var (status, body, location) = await PostAsync(client, $"{Api}/chargingdata", Request(imsi, 1, requestMb, chargingId: chargingId));
        Assert.True(status == HttpStatusCode.Created, $"create answered {(int)status}: {body}");
        return location!.Split('/')[^1];
    }

    public static long Granted(JsonObject response, int index = 0) =>
        response["multipleUnitInformation"]![index]!["grantedUnit"]!["totalVolume"]!.GetValue<long>();

    public static string ResultCode(JsonObject response, int index = 0) =>
        response["multipleUnitInformation"]![index]!["resultCode"]!.GetValue<string>();

    /// <summary>Sends one to three copies of a request at once (a consumer retransmitting while its first try is in flight); all must agree, and one answer is returned.</summary>
    public static async Task<(JsonObject? Body, string? Location)> SendCopiesAsync(HttpClient smf, string path, JsonObject body, Random random, HttpStatusCode expected, int seed)
    {
        var copies = random.Next(1, 4);
        var answers = await Task.WhenAll(Enumerable.Range(0, copies).Select(copy =>
        {
            var sent = body.DeepClone().AsObject();
            if (copy > 0)
            {
                sent["retransmissionIndicator"] = true;
            }

            return PostAsync(smf, path, sent);
        }));
        foreach (var (status, answer, location) in answers)
        {
            Assert.True(status == expected, $"seed {seed}: {path} answered {(int)status}: {answer}");
            Assert.Equal(answers[0].Body?.ToJsonString(), answer?.ToJsonString());
            Assert.Equal(answers[0].Location, location);
        }

        return (answers[0].Body, answers[0].Location);
    }
}
