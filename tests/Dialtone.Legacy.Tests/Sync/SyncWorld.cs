using System.Globalization;

namespace Dialtone.Legacy.Tests.Sync;

/// <summary>Helpers of the change-feed sync and reconciliation tests: legacy agents' edits, a person's Dialtone record, the sync's status.</summary>
internal static class SyncWorld
{
    /// <summary>The sync polling every 50 ms, backing off at most 200 ms, with a lease of 2 s.</summary>
    public static Dictionary<string, string?> FastSync(bool enabled = true) => new()
    {
        ["Dialtone:Legacy:Sync:Enabled"] = enabled ? "true" : "false",
        ["Dialtone:Legacy:Sync:PollInterval"] = "00:00:00.050",
        ["Dialtone:Legacy:Sync:MaxBackoff"] = "00:00:00.200",
        ["Dialtone:Legacy:Sync:LeaseDuration"] = "00:00:02",
        ["Dialtone:Legacy:Reconciliation:PageSize"] = "25",
        ["Dialtone:Legacy:Reconciliation:PollInterval"] = "00:00:00.100",
        ["Dialtone:Legacy:Reconciliation:MaxBackoff"] = "00:00:00.300",
    };

    /// <summary>One field of one legacy customer changed by a legacy agent (LegacySim's admin edit, origin LEGACY-CRM); answers the new version.</summary>
    public static async Task<long> LegacyAgentEditsAsync(StandinProcess legacy, string legacyId, string field, string value)
    {
        // Like a legacy agent, the edit is made again when Dialtone wrote the record in between (its version moved on).
        for (var attempt = 1; ; attempt++)
        {
            using var response = await legacy.AdminAsync(HttpMethod.Post, "/admin/legacy-edits", new { customerId = legacyId, field, value });
            var body = await response.Content.ReadAsStringAsync();
            if (attempt < 5 && !response.IsSuccessStatusCode && body.Contains("VERSION_CONFLICT", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(response.IsSuccessStatusCode, body);
            return JsonNode.Parse(body)!["version"]!.GetValue<long>();
        }
    }

    /// <summary>Legacy's highest watermark now.</summary>
    public static async Task<long> LegacyHighWatermarkAsync(StandinProcess legacy)
    {
        using var response = await legacy.AdminAsync(HttpMethod.Get, "/admin/dataset");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["highWatermark"]!.GetValue<long>();
    }

    public static Task<JsonObject> IndividualAsync(DialtoneApp app, ImportedPerson person) =>
        app.Admin().GetJsonAsync($"/tmf-api/party/v4/individual/{person.PartyId}");

    public static string? Phone(JsonObject individual) =>
        individual["contactMedium"]?.AsArray().Select(m => m?["characteristic"]?["phoneNumber"]?.GetValue<string>()).FirstOrDefault(p => p is not null);

    /// <summary>Waits until the sync has applied everything legacy had at <paramref name="watermark"/> (or later).</summary>
    public static Task<JsonNode> WaitForSyncAsync(DialtoneApp app, long watermark, Func<JsonNode, bool>? also = null) =>
        LegacyWorld.WaitForAsync(app.Admin(), "/admin/legacy/sync",
            s => s["watermark"]!.GetValue<long>() >= watermark && s["lastError"] is null && (also?.Invoke(s) ?? true));

    public static async Task<JsonArray> ConflictsAsync(DialtoneApp app, ImportedPerson person) =>
        await app.Admin().GetJsonArrayAsync($"/admin/legacy/conflicts?partyId={person.PartyId}");

    /// <summary>The national form of a German E.164 number (+4917012345678 → 0170 12345678): the same number in legacy's other format.</summary>
    public static string National(string e164) => "0" + e164[3..6] + " " + e164[6..];

    public static string Digits(int seed) => (1_000_000 + seed).ToString(CultureInfo.InvariantCulture);
}
