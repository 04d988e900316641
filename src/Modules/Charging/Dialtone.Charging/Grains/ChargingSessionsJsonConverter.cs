using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Dialtone.Charging.Rating;

namespace Dialtone.Charging.Grains;

/// <summary>
/// The sessions of a charging account state as stored since schema version 3: one object per ChargingDataRef (the key is
/// the session's <see cref="ChargingSession.Ref"/>, not written again inside) with short names, defaults left out, and
/// times as UTC ticks. The account's tombstones (up to 32) are written together whenever one of them changes (in their
/// own row since version 4, with every charging request before): a released session's tombstone is about 160 bytes
/// here against about 400 in version 2's camelCase shape (bench/README, 2026-11-28). Reads both shapes: version 1 and 2
/// states (long camelCase names, ISO 8601 times, nulls written) load unchanged.
/// </summary>
internal sealed class ChargingSessionsJsonConverter : JsonConverter<Dictionary<string, ChargingSession>>
{
    public override Dictionary<string, ChargingSession> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The sessions of a charging account are an object keyed by ChargingDataRef.");
        }

        var sessions = new Dictionary<string, ChargingSession>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var reference = reader.GetString()!;
            reader.Read();
            sessions[reference] = ReadSession(ref reader, reference, options);
        }

        return sessions;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, ChargingSession> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (reference, session) in value)
        {
            writer.WritePropertyName(reference);
            if (session.EndedAt is not { } ended)
            {
                WriteSession(writer, session, options);
                continue;
            }

            // A tombstone is written again, unchanged, whenever another one of its account changes: encoded once.
            if (session.Stored is not { } stored || stored.LastSequence != session.LastSequence || stored.EndedAt != ended)
            {
                var buffer = new ArrayBufferWriter<byte>(256);
                using (var inner = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true }))
                {
                    WriteSession(inner, session, options);
                }

                stored = new StoredSession(session.LastSequence, ended, buffer.WrittenSpan.ToArray());
                session.Stored = stored;
            }

            writer.WriteRawValue(stored.Json, skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    private static void WriteSession(Utf8JsonWriter writer, ChargingSession session, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("k", session.CreateKey);
        writer.WriteNumber("cs", session.CreateSequence);
        if (session.CreateAnswer is { } created)
        {
            writer.WritePropertyName("ca");
            JsonSerializer.Serialize(writer, created, TypeInfo<ChargingAnswer>(options));
        }

        if (session.Unit != UsageUnit.Octet)
        {
            writer.WriteNumber("u", (int)session.Unit);
        }

        if (session.Zone != Zones.Home)
        {
            writer.WriteString("z", session.Zone);
        }

        WriteIfNotNull(writer, "cf", session.CreateFingerprint);
        WriteIfNotNull(writer, "lf", session.LastFingerprint);
        WriteIfNotNull(writer, "n", session.NotifyUri);
        writer.WriteNumber("ls", session.LastSequence);
        if (session.LastAnswer is { } last)
        {
            writer.WritePropertyName("la");
            JsonSerializer.Serialize(writer, last, TypeInfo<ChargingAnswer>(options));
        }

        if (session.Reservations.Count > 0)
        {
            writer.WritePropertyName("r");
            JsonSerializer.Serialize(writer, session.Reservations, TypeInfo<Dictionary<int, SessionReservation>>(options));
        }

        if (session.LastContainers.Count > 0)
        {
            writer.WritePropertyName("c");
            JsonSerializer.Serialize(writer, session.LastContainers, TypeInfo<Dictionary<int, long>>(options));
        }

        // An ended session was last seen when it ended, unless it ended for silence or a termination.
        if (session.EndedAt != session.LastSeenAt)
        {
            WriteTime(writer, "t", session.LastSeenAt);
        }

        if (session.EndedAt is { } ended)
        {
            WriteTime(writer, "e", ended);
        }

        writer.WriteEndObject();
    }

    private static ChargingSession ReadSession(ref Utf8JsonReader reader, string reference, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Session {reference} is not an object.");
        }

        var session = new ChargingSession { Ref = reference, CreateKey = "" };
        DateTimeOffset? lastSeen = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (name)
            {
                case "k" or "createKey":
                    session.CreateKey = reader.GetString()!;
                    break;
                case "cs" or "createSequence":
                    session.CreateSequence = reader.GetInt64();
                    break;
                case "ca" or "createAnswer":
                    session.CreateAnswer = JsonSerializer.Deserialize(ref reader, TypeInfo<ChargingAnswer>(options));
                    break;
                case "u" or "unit":
                    session.Unit = (UsageUnit)reader.GetInt32();
                    break;
                case "z" or "zone":
                    session.Zone = reader.GetString()!;
                    break;
                case "cf" or "createFingerprint":
                    session.CreateFingerprint = reader.GetString();
                    break;
                case "lf" or "lastFingerprint":
                    session.LastFingerprint = reader.GetString();
                    break;
                case "n" or "notifyUri":
                    session.NotifyUri = reader.GetString();
                    break;
                case "ls" or "lastSequence":
                    session.LastSequence = reader.GetInt64();
                    break;
                case "la" or "lastAnswer":
                    session.LastAnswer = JsonSerializer.Deserialize(ref reader, TypeInfo<ChargingAnswer>(options));
                    break;
                case "r" or "reservations":
                    session.Reservations = JsonSerializer.Deserialize(ref reader, TypeInfo<Dictionary<int, SessionReservation>>(options)) ?? [];
                    break;
                case "c" or "lastContainers":
                    session.LastContainers = JsonSerializer.Deserialize(ref reader, TypeInfo<Dictionary<int, long>>(options)) ?? [];
                    break;
                case "t" or "lastSeenAt":
                    lastSeen = ReadTime(ref reader);
                    break;
                case "e" or "endedAt":
                    session.EndedAt = ReadTime(ref reader);
                    break;
                default:
                    // "ref" (versions 1 and 2 repeated the key) and anything a newer version adds.
                    reader.Skip();
                    break;
            }
        }

        if (session.CreateKey.Length == 0)
        {
            throw new JsonException($"Session {reference} has no create key.");
        }

        session.LastSeenAt = lastSeen ?? session.EndedAt ?? default;
        return session;
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    // UTC ticks: exact (ISO 8601 with 7 decimals is ticks too) in 18 digits instead of 35 characters. Another offset
    // (a clock not in UTC) is written as ISO 8601, so what is read is always what was written.
    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        if (value.Offset == TimeSpan.Zero)
        {
            writer.WriteNumber(name, value.UtcTicks);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static DateTimeOffset ReadTime(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number ? new DateTimeOffset(reader.GetInt64(), TimeSpan.Zero) : reader.GetDateTimeOffset();

    private static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
