using System.Text.Json;
using Orleans.Storage;

namespace Dialtone.Charging.Storage;

/// <summary>The default payload format of <see cref="BatchingGrainStorage"/>: System.Text.Json (Web defaults) as UTF-8.</summary>
internal sealed class JsonGrainStateSerializer(JsonSerializerOptions options) : IGrainStorageSerializer
{
    public static readonly JsonGrainStateSerializer Default = new(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, options));

    public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, options)!;
}
