using System.Text;
using System.Text.Json;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Tests.Storage;

/// <summary>
/// The stored charging account state (ADR 0012): what version 2 keeps of a session, and that a state written by version 1
/// (both answers in every session and tombstone, nulls written) still loads and answers retransmissions the same.
/// </summary>
public sealed class AccountStateFormat
{
    private const string Account = "6ddd8d3a6e2451189532a6cd3eba00b4";

    // Written by version 1 (commit ec29b12, from a bench run): an open session after one update (-3), a released
    // session's tombstone (-2) and an SMS one-time event (-4), whose only request was its create.
    private const string VersionOne = $$$$"""
        {"schemaVersion":1,"profile":{"productId":"p-1","offeringId":"o-1","status":"active","prepaid":false},"wallet":null,
         "sessions":{
          "{{{{Account}}}}-2":{"ref":"{{{{Account}}}}-2","createKey":"smf|26","createAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-2","sequence":1,"at":"2026-11-27T13:23:23.8173015+00:00","grants":[{"ratingGroup":10,"unit":0,"resultCode":"SUCCESS","granted":1000000,"validitySeconds":3600,"threshold":200000,"finalUnit":false}],"prepaid":false,"detail":null},"unit":0,"zone":"home","createFingerprint":"378C25BC5BCDE0EDE18951B5","lastFingerprint":"BCEA23F80D1C9BFC1B011EF8","notifyUri":"http://127.0.0.1:9/nchf-notify","lastSequence":12,"lastAnswer":{"outcome":2,"chargingDataRef":"{{{{Account}}}}-2","sequence":12,"at":"2026-11-27T13:23:24.4808615+00:00","grants":[],"prepaid":false,"detail":null},"reservations":{},"lastContainers":{"10":11},"lastSeenAt":"2026-11-27T13:23:24.4808615+00:00","endedAt":"2026-11-27T13:23:24.4808615+00:00"},
          "{{{{Account}}}}-3":{"ref":"{{{{Account}}}}-3","createKey":"smf|27","createAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-3","sequence":1,"at":"2026-11-27T13:23:25+00:00","grants":[{"ratingGroup":10,"unit":0,"resultCode":"SUCCESS","granted":1000000,"validitySeconds":3600,"threshold":200000,"finalUnit":false}],"prepaid":false,"detail":null},"unit":0,"zone":"home","createFingerprint":"AAAA","lastFingerprint":"BBBB","notifyUri":"http://127.0.0.1:9/nchf-notify","lastSequence":2,"lastAnswer":{"outcome":1,"chargingDataRef":"{{{{Account}}}}-3","sequence":2,"at":"2026-11-27T13:23:26+00:00","grants":[{"ratingGroup":10,"unit":0,"resultCode":"SUCCESS","granted":900000,"validitySeconds":3599,"threshold":180000,"finalUnit":false}],"prepaid":false,"detail":null},"reservations":{"10":{"id":"{{{{Account}}}}-3/10/2","zone":"home"}},"lastContainers":{"10":1},"lastSeenAt":"2026-11-27T13:23:26+00:00","endedAt":null},
          "{{{{Account}}}}-4":{"ref":"{{{{Account}}}}-4","createKey":"smsc|5","createAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-4","sequence":1,"at":"2026-11-27T13:23:27+00:00","grants":[{"ratingGroup":30,"unit":2,"resultCode":"SUCCESS","granted":1,"validitySeconds":3600,"threshold":null,"finalUnit":false}],"prepaid":false,"detail":null},"unit":2,"zone":"home","createFingerprint":"CCCC","lastFingerprint":"CCCC","notifyUri":null,"lastSequence":1,"lastAnswer":{"outcome":0,"chargingDataRef":"{{{{Account}}}}-4","sequence":1,"at":"2026-11-27T13:23:27+00:00","grants":[{"ratingGroup":30,"unit":2,"resultCode":"SUCCESS","granted":1,"validitySeconds":3600,"threshold":null,"finalUnit":false}],"prepaid":false,"detail":null},"reservations":{},"lastContainers":{},"lastSeenAt":"2026-11-27T13:23:27+00:00","endedAt":"2026-11-27T13:23:27+00:00"}},
         "sessionsByCreateKey":{"smf|26":"{{{{Account}}}}-2","smf|27":"{{{{Account}}}}-3","smsc|5":"{{{{Account}}}}-4"},
         "sessionCount":4,"appliedChanges":["order-1/item-1"],"topUpCount":0,"topUps":[],"pool":null}
        """;

    [Fact]
    public void AStateWrittenByVersionOneLoadsWithWhatItsRetransmissionsNeed()
    {
        var state = Load(VersionOne);
        state.Migrate();

        Assert.Equal(ChargingAccountState.CurrentSchemaVersion, state.SchemaVersion);
        Assert.Equal(4, state.SessionCount);
        var released = state.Sessions[$"{Account}-2"];
        Assert.Equal((1, 12, 11L), (released.CreateSequence, released.LastSequence, released.LastContainers[10]));
        Assert.Equal("BCEA23F80D1C9BFC1B011EF8", released.LastFingerprint);
        // A retransmitted release is 204 from the sequence number and fingerprint alone; the create's grant is long used.
        Assert.Null(released.CreateAnswer);
        Assert.Null(released.LastAnswer);
        Assert.Null(released.NotifyUri);

        var open = state.Sessions[$"{Account}-3"];
        Assert.Equal(900_000, Assert.Single(open.LastAnswer!.Grants).Granted);
        Assert.Null(open.CreateAnswer);
        Assert.Equal("http://127.0.0.1:9/nchf-notify", open.NotifyUri);
        Assert.Equal($"{Account}-3/10/2", open.Reservations[10].Id);

        // A one-time event's tombstone answers a retransmitted create: its answer stays, once.
        var sms = state.Sessions[$"{Account}-4"];
        Assert.Equal(1, Assert.Single(sms.CreateAnswer!.Grants).Granted);
        Assert.Null(sms.LastAnswer);
        Assert.Equal(1, sms.CreateSequence);
    }

    [Fact]
    public void AStateWritesNoNullsAndReadsBackTheSame()
    {
        var state = Load(VersionOne);
        state.Migrate();
        var written = Write(state);

        Assert.DoesNotContain("null", written, StringComparison.Ordinal);
        Assert.Contains($"\"schemaVersion\":{ChargingAccountState.CurrentSchemaVersion}", written, StringComparison.Ordinal);
        Assert.True(written.Length < VersionOne.Length / 2, $"{written.Length} bytes written for {VersionOne.Length} read");
        var again = Load(written);
        again.Migrate();
        Assert.Equal(written, Write(again));
        Assert.Equal(Describe(state), Describe(again));
        Assert.Equal($"{Account}-4", again.SessionsByCreateKey["smsc|5"]);
    }

    [Fact]
    public void AStateOfANewerVersionIsRefused()
    {
        var state = Load(VersionOne.Replace("\"schemaVersion\":1", $"\"schemaVersion\":{ChargingAccountState.CurrentSchemaVersion + 1}", StringComparison.Ordinal));

        Assert.Throws<InvalidOperationException>(state.Migrate);
    }

    // Every field of every session, by name, as the grain reads them (the stored shape aside).
    private static string Describe(ChargingAccountState state) =>
        JsonSerializer.Serialize(state.Sessions.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value).ToList(), JsonSerializerOptions.Web)
        + JsonSerializer.Serialize(state.SessionsByCreateKey.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList(), JsonSerializerOptions.Web);

    private static ChargingAccountState Load(string json) =>
        JsonGrainStateSerializer.Default.Deserialize<ChargingAccountState>(new BinaryData(Encoding.UTF8.GetBytes(json)));

    private static string Write(ChargingAccountState state) =>
        Encoding.UTF8.GetString(JsonGrainStateSerializer.Default.Serialize(state).ToArray());
}
