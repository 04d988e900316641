using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Catalog.Contracts;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Tmf;

namespace Dialtone.Catalog.Domain;

/// <summary>
/// The rule that an offering only picks characteristic values its specification offers: each
/// <c>prodSpecCharValueUse</c> names a characteristic of the specification it refers to (or of the offering's own
/// specification), and every value it picks is one of that characteristic's values. This is what keeps the
/// allowances charging reads (docs/decisions/0006) consistent between specification and offering.
/// </summary>
internal static class CharacteristicValueUses
{
    public static void EnsureOffered(ProductSpecificationCharacteristicValueUse use, int index, ProductSpecification specification)
    {
        var where = $"prodSpecCharValueUse[{index}] '{use.Name}'";
        var characteristic = (specification.ProductSpecCharacteristic ?? []).FirstOrDefault(c => c.Name == use.Name)
            ?? throw TmfProblemException.BadRequest("UNKNOWN_CHARACTERISTIC",
                $"{where}: ProductSpecification '{specification.Name}' has no characteristic named '{use.Name}'.");

        var offered = (characteristic.ProductSpecCharacteristicValue ?? []).Select(v => ToNode(v.Value)).ToList();
        foreach (var (picked, valueIndex) in (use.ProductSpecCharacteristicValue ?? []).Select((v, i) => (v, i)))
        {
            var value = ToNode(picked.Value);
            if (offered.Count > 0 && !offered.Any(o => JsonNode.DeepEquals(o, value)))
            {
                throw TmfProblemException.BadRequest("VALUE_NOT_OFFERED",
                    $"{where} value {valueIndex}: '{value?.ToJsonString()}' is not one of the values ProductSpecification '{specification.Name}' offers for '{use.Name}'.");
            }
        }

        if (characteristic.ValueType == AllowanceDefinition.ValueType)
        {
            AllowanceCharacteristics.Validate([new ProductSpecificationCharacteristic
            {
                Name = use.Name,
                ValueType = AllowanceDefinition.ValueType,
                ProductSpecCharacteristicValue = use.ProductSpecCharacteristicValue,
            }]);
        }
    }

    private static JsonNode? ToNode(JsonElement? element) =>
        element is { } value ? JsonNode.Parse(value.GetRawText()) : null;
}
