using System.Text.Json.Serialization;

namespace Dialtone.Inventory.Domain.Representation.ServiceInventory;

/// <summary>TMF638 v4.0.0's swagger leaves the polymorphism attributes off <c>Service</c> (every other TMF resource has them, TMF630 requires them).</summary>
public sealed partial class Service
{
    [JsonPropertyName("@baseType")]
    public string? BaseType { get; set; }

    [JsonPropertyName("@schemaLocation")]
    public string? SchemaLocation { get; set; }

    [JsonPropertyName("@type")]
    public string? Type { get; set; }
}
