using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Dialtone.Charging.Grains;
using Orleans.Storage;

namespace Dialtone.Charging.Storage;

/// <summary>
/// The default payload format of <see cref="BatchingGrainStorage"/>: System.Text.Json (Web defaults, nulls left out) as
/// UTF-8. The charging grains' states use source-generated metadata (<see cref="ChargingStateJson"/>): serialising the
/// whole state before every answer was a fifth of the server's CPU with reflection (bench/README); other types fall back to reflection.
/// </summary>
internal sealed class JsonGrainStateSerializer(JsonSerializerOptions options) : IGrainStorageSerializer
{
    public static readonly JsonGrainStateSerializer Default = new(new JsonSerializerOptions(ChargingStateJson.Default.Options)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ChargingStateJson.Default, new DefaultJsonTypeInfoResolver()),
    });

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, options));

    public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, options)!;
}

/// <summary>
/// Source-generated JSON metadata of the states in the charging grain store. A null property is not written (an absent
/// one reads as null), so a session's dropped answers cost no bytes; names are camelCase and read case-insensitively.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChargingAccountState))]
[JsonSerializable(typeof(ChargingTombstones))]
[JsonSerializable(typeof(ChargingAnswer))]
[JsonSerializable(typeof(Dictionary<int, SessionReservation>))]
[JsonSerializable(typeof(Dictionary<int, long>))]
[JsonSerializable(typeof(SharedPoolState))]
[JsonSerializable(typeof(SubscriberState))]
[JsonSerializable(typeof(VoucherState))]
internal sealed partial class ChargingStateJson : JsonSerializerContext;
