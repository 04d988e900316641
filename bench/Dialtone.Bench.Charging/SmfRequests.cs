using System.Buffers;
using System.Text.Json;

namespace Dialtone.Bench.Charging;

/// <summary>
/// TS 32.291 <c>ChargingDataRequest</c> bodies as an SMF sends them for a data session (the shape of the tests'
/// <c>Smf.Request</c>): one rating group (10, home data) asking for quota and reporting its used units in a container.
/// One per worker (not thread-safe).
/// </summary>
internal sealed class SmfRequests(string nfName) : IDisposable
{
    public const int DataRatingGroup = 10;

    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter json = new(new ArrayBufferWriter<byte>());

    public byte[] Write(string? imsi, long chargingId, long sequence, long? requestOctets, long? usedOctets, long localSequence)
    {
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        json.WriteStartObject();
        if (imsi is not null)
        {
            json.WriteString("subscriberIdentifier", "imsi-" + imsi);
        }

        json.WriteStartObject("nfConsumerIdentification");
        json.WriteString("nFName", nfName);
        json.WriteString("nodeFunctionality", "SMF");
        json.WriteEndObject();
        json.WriteString("invocationTimeStamp", DateTimeOffset.UtcNow);
        json.WriteNumber("invocationSequenceNumber", sequence);
        json.WriteString("notifyUri", "http://127.0.0.1:9/nchf-notify");
        json.WriteStartArray("multipleUnitUsage");
        json.WriteStartObject();
        json.WriteNumber("ratingGroup", DataRatingGroup);
        if (requestOctets is { } requested)
        {
            json.WriteStartObject("requestedUnit");
            json.WriteNumber("totalVolume", requested);
            json.WriteEndObject();
        }

        if (usedOctets is { } used)
        {
            json.WriteStartArray("usedUnitContainer");
            json.WriteStartObject();
            json.WriteNumber("localSequenceNumber", localSequence);
            json.WriteNumber("totalVolume", used);
            json.WriteNumber("uplinkVolume", used / 4);
            json.WriteNumber("downlinkVolume", used - (used / 4));
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("pDUSessionChargingInformation");
        json.WriteNumber("chargingId", chargingId);
        json.WriteStartObject("pduSessionInformation");
        json.WriteNumber("pduSessionID", 5);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The first <c>grantedUnit.totalVolume</c> of a <c>ChargingDataResponse</c>; 0 when nothing was granted.</summary>
    public static long GrantOf(ReadOnlySpan<byte> response)
    {
        var reader = new Utf8JsonReader(response);
        var inGrant = false;
        var depth = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!inGrant && reader.ValueTextEquals("grantedUnit"u8))
                {
                    inGrant = true;
                    depth = reader.CurrentDepth;
                }
                else if (inGrant && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("totalVolume"u8))
                {
                    reader.Read();
                    return reader.GetInt64();
                }
            }
            else if (inGrant && reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                inGrant = false;
            }
        }

        return 0;
    }

    public void Dispose() => json.Dispose();
}
