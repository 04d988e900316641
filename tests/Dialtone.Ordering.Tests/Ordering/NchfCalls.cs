using System.Net.Http.Headers;
using System.Text;
using Dialtone.Charging.Grains;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>What an SMF sends over Nchf to charge a line that came from a real order, and waiting for its account to follow the order.</summary>
internal static class NchfCalls
{
    private const string Nchf = "/nchf-convergedcharging/v3/chargingdata";

    public static async Task<(HttpStatusCode Status, JsonObject? Body, string? Location)> CreateAsync(HttpClient smf, string imsi, long chargingId, long gigabytes)
    {
        var body = new JsonObject
        {
            ["subscriberIdentifier"] = $"imsi-{imsi}",
            ["nfConsumerIdentification"] = new JsonObject { ["nFName"] = "smf-a", ["nodeFunctionality"] = "SMF" },
            ["invocationTimeStamp"] = "2026-11-26T09:00:00Z",
            ["invocationSequenceNumber"] = 1,
            ["multipleUnitUsage"] = new JsonArray(new JsonObject { ["ratingGroup"] = 10, ["requestedUnit"] = new JsonObject { ["totalVolume"] = gigabytes * 1_000_000_000 } }),
            ["pDUSessionChargingInformation"] = new JsonObject { ["chargingId"] = chargingId },
        };
        using var response = await smf.PostAsync(Nchf, new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject(), response.Headers.Location?.ToString());
    }

    /// <summary>Releases the session, reporting <paramref name="usedOctets"/> of rating group 10 when given; expects 204.</summary>
    public static async Task ReleaseAsync(HttpClient smf, string location, long sequence = 2, long? usedOctets = null)
    {
        var body = new JsonObject
        {
            ["nfConsumerIdentification"] = new JsonObject { ["nFName"] = "smf-a", ["nodeFunctionality"] = "SMF" },
            ["invocationTimeStamp"] = "2026-11-26T09:00:00Z",
            ["invocationSequenceNumber"] = sequence,
        };
        if (usedOctets is { } used)
        {
            body["multipleUnitUsage"] = new JsonArray(new JsonObject
            {
                ["ratingGroup"] = 10,
                ["usedUnitContainer"] = new JsonArray(new JsonObject { ["localSequenceNumber"] = 1, ["totalVolume"] = used }),
            });
        }

        using var response = await smf.PostAsync($"{location}/release", new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public static long Granted(JsonObject answer) => answer["multipleUnitInformation"]![0]!["grantedUnit"]!["totalVolume"]!.GetValue<long>();

    /// <summary>The account changes when the completion event is handled, a moment after the order reads completed.</summary>
    public static async Task<AccountBalance> EventuallyAsync(IChargingAccountGrain account, Func<AccountBalance, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var balance = await account.BalanceAsync();
            if (balance is not null && done(balance))
            {
                return balance;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the charging account stayed {balance?.Status ?? "unopened"}");
            await Task.Delay(25);
        }
    }

    /// <summary>The first create after the line's completion: the account opens when the completion event is handled.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject? Body, string? Location)> EventuallyAsync(
        Func<Task<(HttpStatusCode Status, JsonObject? Body, string? Location)>> attempt, Func<(HttpStatusCode Status, JsonObject? Body, string? Location), bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var answer = await attempt();
            if (done(answer) || DateTime.UtcNow > deadline)
            {
                Assert.True(done(answer), $"{(int)answer.Status}: {answer.Body}");
                return answer;
            }

            await Task.Delay(25);
        }
    }
}
