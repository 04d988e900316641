using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Rating;
using Dialtone.Platform.Hub;
using Microsoft.AspNetCore.Http;

namespace Dialtone.Charging.Nchf;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false, AllowDuplicateProperties = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ChargingDataRequest))]
[JsonSerializable(typeof(ChargingDataResponse))]
[JsonSerializable(typeof(NchfProblem))]
internal sealed partial class NchfJson : JsonSerializerContext;

/// <summary>
/// Reads and validates an Nchf request (TS 32.291 <c>ChargingDataRequest</c>) into what a charging account acts on.
/// Every refusal names the field with a JSON pointer; nothing reaches an account unless the whole request is valid.
/// </summary>
internal static class NchfRequests
{
    private const int MaxUnits = 32;
    private const int MaxContainers = 64;

    // The EU/EEA mobile country codes: a subscriber roaming there is charged as at home (roam like at home, ADR 0011 §1).
    private static readonly HashSet<string> EuCountryCodes =
    [
        // EU: GR, NL, BE, FR, ES, HU, IT, RO, CZ, SK, AT, DK, SE, FI, LT, LV, EE, DE, PT, LU, IE, MT, CY, BG, SI, HR, PL;
        // EEA: NO, IS, LI.
        "202", "204", "206", "208", "214", "216", "222", "226", "230", "231", "232", "238", "240", "244", "246", "247", "248",
        "262", "268", "270", "272", "278", "280", "284", "293", "219", "260", "242", "274", "295",
    ];

    // The most a single report or request may carry: 1 PB, about 31 years, a billion events (beyond is a malformed request).
    private const long MaxOctets = 1_000_000_000_000_000;
    private const long MaxCount = 1_000_000_000;

    public static async Task<ChargingDataRequest> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType.AsSpan();
        if (contentType.IndexOf(';') is >= 0 and var parameters)
        {
            contentType = contentType[..parameters];
        }

        if (!contentType.Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new NchfProblemException(415, NchfCauses.UnsupportedMediaType, "Send the ChargingDataRequest as application/json.");
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        // A pooled buffer as long as the declared body and one byte more (the read that finds the end needs room): an
        // ArrayBufferWriter asked for 4 KB more than the body grew into a second array, a tenth of what the server
        // allocated under the charging load (bench/README, 2026-11-29 session 18).
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and var length ? (int)Math.Min(length + 1, maxBytes + 1L) : 4096);
        var count = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(count), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                count += read;
                if (count > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
            }

            if (count == 0)
            {
                throw new NchfProblemException(400, NchfCauses.InvalidMsgFormat, "The request has no body: send a ChargingDataRequest.");
            }

            try
            {
                return JsonSerializer.Deserialize(buffer.AsSpan(0, count), NchfJson.Default.ChargingDataRequest)
                       ?? throw new NchfProblemException(400, NchfCauses.InvalidMsgFormat, "The body must be a JSON object.");
            }
            catch (JsonException e)
            {
                var pointer = Pointer(e.Path);
                throw new NchfProblemException(400, NchfCauses.InvalidMsgFormat,
                    e.Path is null or "$" ? "The body is not a well-formed ChargingDataRequest." : $"{pointer} has the wrong type or is not well-formed.",
                    [new InvalidParam(pointer, "wrong type or malformed JSON")]);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks the mandatory fields and values and builds the account's call; throws <see cref="NchfProblemException"/>.</summary>
    public static ChargingCall ToCall(ChargingOperation operation, string? reference, ChargingDataRequest request, IReadOnlyCollection<string> allowedNotifyHosts)
    {
        var consumer = request.NfConsumerIdentification ?? throw NchfProblemException.Missing("/nfConsumerIdentification", "nfConsumerIdentification");
        if (string.IsNullOrWhiteSpace(consumer.NodeFunctionality))
        {
            throw NchfProblemException.Missing("/nfConsumerIdentification/nodeFunctionality", "nfConsumerIdentification.nodeFunctionality");
        }

        if (request.InvocationTimeStamp is null)
        {
            throw NchfProblemException.Missing("/invocationTimeStamp", "invocationTimeStamp");
        }

        var sequence = request.InvocationSequenceNumber ?? throw NchfProblemException.Missing("/invocationSequenceNumber", "invocationSequenceNumber");
        if (sequence is < 0 or > uint.MaxValue)
        {
            throw NchfProblemException.Incorrect("/invocationSequenceNumber", "must be a Uint32 (0 to 4294967295)");
        }

        if (request.NotifyUri is { } notify)
        {
            if (!Uri.TryCreate(notify, UriKind.Absolute, out var uri) || !OutboundHosts.IsPlainHttp(uri))
            {
                throw NchfProblemException.OptionalIncorrect("/notifyUri", "must be an absolute http or https URI without credentials");
            }

            if (!OutboundHosts.IsAllowed(allowedNotifyHosts, uri))
            {
                throw NchfProblemException.OptionalIncorrect("/notifyUri", "names a host that is not a consumer of this charging function (Dialtone:Charging:AllowedNotifyHosts)");
            }
        }

        var pdu = request.PduSessionChargingInformation;
        var ims = request.ImsChargingInformation;
        var sms = request.SmsChargingInformation;
        if ((pdu is null ? 0 : 1) + (ims is null ? 0 : 1) + (sms is null ? 0 : 1) > 1)
        {
            throw NchfProblemException.Incorrect("/", "a request charges one service: pDUSessionChargingInformation, iMSChargingInformation or sMSChargingInformation");
        }

        // Data counts octets, a call (IMS) seconds, SMS events (ADR 0012); an update or release without the block is data.
        UsageUnit? unit = ims is not null ? UsageUnit.Second : sms is not null ? UsageUnit.Event : pdu is not null ? UsageUnit.Octet : null;
        var oneTime = OneTimeOf(operation, request);
        string? createKey = null;
        if (operation == ChargingOperation.Create)
        {
            if (string.IsNullOrWhiteSpace(request.SubscriberIdentifier))
            {
                throw NchfProblemException.Missing("/subscriberIdentifier", "subscriberIdentifier (the SUPI) on create");
            }

            if (pdu is null && ims is null && sms is null)
            {
                throw NchfProblemException.Missing("/pDUSessionChargingInformation",
                    "the charged service: pDUSessionChargingInformation (data), iMSChargingInformation (voice) or sMSChargingInformation (SMS)");
            }

            var consumerId = consumer.NfName ?? consumer.NfFqdn ?? consumer.NfIpv4Address ?? consumer.NfIpv6Address
                             ?? throw NchfProblemException.Missing("/nfConsumerIdentification/nFName", "nfConsumerIdentification.nFName (or nFFqdn or an address)");
            // What identifies the charged thing at the consumer, so that a retransmitted create is recognised.
            var identifier = pdu is not null
                ? (pdu.ChargingId ?? request.ChargingId ?? throw NchfProblemException.Missing("/pDUSessionChargingInformation/chargingId", "the PDU session's chargingId")).ToString(CultureInfo.InvariantCulture)
                : ims is not null
                    ? ims.ImsChargingIdentifier ?? throw NchfProblemException.Missing("/iMSChargingInformation/imsChargingIdentifier", "the call's imsChargingIdentifier (ICID)")
                    : request.ChargingId?.ToString(CultureInfo.InvariantCulture) ?? "t:" + request.InvocationTimeStamp.Value.UtcTicks.ToString(CultureInfo.InvariantCulture);
            createKey = $"{consumerId}|{identifier}";
        }

        var roaming = pdu?.UserInformation?.RoamerInOut ?? ims?.UserInformation?.RoamerInOut ?? sms?.RoamerInOut;
        var zone = unit is null ? null : ZoneOf(roaming, pdu);
        return new ChargingCall(operation, reference, createKey, sequence, request.NotifyUri, zone, UnitsOf(request.MultipleUnitUsage ?? [], unit), oneTime);
    }

    private static OneTimeEvent OneTimeOf(ChargingOperation operation, ChargingDataRequest request)
    {
        if (request.OneTimeEvent != true)
        {
            return OneTimeEvent.None;
        }

        if (operation != ChargingOperation.Create)
        {
            throw NchfProblemException.Incorrect("/oneTimeEvent", "a one-time event is charged with a create only");
        }

        return request.OneTimeEventType switch
        {
            "IEC" => OneTimeEvent.Immediate,
            "PEC" => OneTimeEvent.Post,
            null => throw NchfProblemException.Missing("/oneTimeEventType", "oneTimeEventType (IEC or PEC) with oneTimeEvent"),
            _ => throw NchfProblemException.Incorrect("/oneTimeEventType", "IEC (immediate) or PEC (post event charging)"),
        };
    }

    /// <summary>The SUPI's IMSI digits, or null when it is another kind of SUPI (Dialtone's subscribers have IMSIs).</summary>
    public static string? ImsiOf(string supi) =>
        supi.StartsWith("imsi-", StringComparison.Ordinal) && supi.Length is >= 10 and <= 20 && supi.AsSpan(5).IndexOfAnyExceptInRange('0', '9') < 0
            ? supi[5..]
            : null;

    private static List<UnitUsage> UnitsOf(IReadOnlyList<MultipleUnitUsage> usages, UsageUnit? unit)
    {
        if (usages.Count > MaxUnits)
        {
            throw NchfProblemException.Incorrect("/multipleUnitUsage", $"at most {MaxUnits} rating groups per request");
        }

        var units = new List<UnitUsage>(usages.Count);
        for (var i = 0; i < usages.Count; i++)
        {
            // The JSON pointers are made only for an error: a valid request costs no strings.
            var usage = usages[i] ?? throw NchfProblemException.Incorrect(UsageAt(i), "must be an object");
            var group = usage.RatingGroup ?? throw NchfProblemException.Missing($"{UsageAt(i)}/ratingGroup", "ratingGroup");
            if (group is < 0 or > int.MaxValue)
            {
                throw NchfProblemException.Incorrect($"{UsageAt(i)}/ratingGroup", "must be a rating group (0 to 2147483647)");
            }

            foreach (var earlier in units)
            {
                if (earlier.RatingGroup == group)
                {
                    throw NchfProblemException.Incorrect($"{UsageAt(i)}/ratingGroup", $"rating group {group} appears twice");
                }
            }

            var containers = usage.UsedUnitContainer ?? [];
            if (containers.Count > MaxContainers)
            {
                throw NchfProblemException.Incorrect($"{UsageAt(i)}/usedUnitContainer", $"at most {MaxContainers} containers per rating group");
            }

            var used = new List<UsedUnits>(containers.Count);
            for (var c = 0; c < containers.Count; c++)
            {
                var where = new MeasureAt(i, c);
                var container = containers[c] ?? throw NchfProblemException.Incorrect(where.ToString(), "must be an object");
                var local = container.LocalSequenceNumber ?? throw NchfProblemException.Missing($"{where}/localSequenceNumber", "localSequenceNumber");
                if (local < 0)
                {
                    throw NchfProblemException.Incorrect($"{where}/localSequenceNumber", "a local sequence number is 0 or more");
                }

                used.Add(new UsedUnits(local, MeasureOf(where, container.TotalVolume, container.UplinkVolume, container.DownlinkVolume, container.Time, container.ServiceSpecificUnits, unit)));
            }

            var requested = usage.RequestedUnit is { } asked
                ? MeasureOf(new MeasureAt(i, null), asked.TotalVolume, asked.UplinkVolume, asked.DownlinkVolume, asked.Time, asked.ServiceSpecificUnits, unit)
                : null;
            units.Add(new UnitUsage((int)group, unit, requested, used));
        }

        return units;
    }

    private static string UsageAt(int usage) => $"/multipleUnitUsage/{usage}";

    /// <summary>Where a measure is in the request: a rating group's <c>requestedUnit</c> (no container) or one of its used unit containers.</summary>
    private readonly record struct MeasureAt(int Usage, int? Container)
    {
        public override string ToString() => Container is { } container
            ? $"{UsageAt(Usage)}/usedUnitContainer/{container}"
            : $"{UsageAt(Usage)}/requestedUnit";
    }

    private static Measure MeasureOf(MeasureAt at, long? total, long? uplink, long? downlink, long? time, long? events, UsageUnit? unit)
    {
        var measure = new Measure(Octets(at, total, uplink, downlink), Count(at, "time", time), Count(at, "serviceSpecificUnits", events));
        if (unit is { } counted && measure.OnlyIn(counted) is false)
        {
            throw NchfProblemException.Incorrect(at.ToString(), $"the service counts {(counted == UsageUnit.Octet ? "volume" : counted == UsageUnit.Second ? "time" : "serviceSpecificUnits")}, not another unit");
        }

        return measure;
    }

    /// <summary>Seconds or events: 0 when not given.</summary>
    private static long Count(MeasureAt at, string name, long? value) =>
        value is < 0 or > MaxCount ? throw NchfProblemException.Incorrect($"{at}/{name}", $"a count is 0 to {MaxCount}") : value ?? 0;

    /// <summary>A data volume: <c>totalVolume</c>, else uplink + downlink; 0 when none is given.</summary>
    private static long Octets(MeasureAt at, long? total, long? uplink, long? downlink)
    {
        Volume(at, "totalVolume", total);
        Volume(at, "uplinkVolume", uplink);
        Volume(at, "downlinkVolume", downlink);
        return total ?? ((uplink ?? 0) + (downlink ?? 0));
    }

    private static void Volume(MeasureAt at, string name, long? value)
    {
        if (value is < 0 or > MaxOctets)
        {
            throw NchfProblemException.Incorrect($"{at}/{name}", $"a volume is 0 to {MaxOctets} octets");
        }
    }

    /// <summary>Home, unless the subscriber roams out: EU when the serving network's country is in the EU/EEA, else the world.</summary>
    private static string ZoneOf(string? roaming, PduSessionChargingInformation? pdu)
    {
        if (roaming != "OUT_BOUND")
        {
            return Zones.Home;
        }

        var mcc = pdu?.PduSessionInformation?.ServingNetworkFunctionId?.ServingNetworkFunctionInformation?.NfPlmnId?.Mcc;
        return mcc is not null && EuCountryCodes.Contains(mcc) ? Zones.Eu : "World";
    }

    private static string Pointer(string? path)
    {
        if (path is null or "$")
        {
            return "/";
        }

        // $.multipleUnitUsage[0].ratingGroup -> /multipleUnitUsage/0/ratingGroup
        return path.TrimStart('$').Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal)
            .Replace("'", "", StringComparison.Ordinal).Replace('.', '/');
    }

    private static NchfProblemException TooLarge(int maxBytes) =>
        new(413, NchfCauses.PayloadTooLarge, $"The body is larger than {maxBytes} bytes.");
}
