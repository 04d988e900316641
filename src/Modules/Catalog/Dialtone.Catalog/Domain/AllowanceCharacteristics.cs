using System.Text.Json;
using Dialtone.Catalog.Contracts;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;

namespace Dialtone.Catalog.Domain;

/// <summary>The rule that every allowance characteristic holds a well-formed <see cref="AllowanceDefinition"/>.</summary>
internal static class AllowanceCharacteristics
{
    public static void Validate(IEnumerable<ProductSpecificationCharacteristic>? characteristics)
    {
        foreach (var characteristic in characteristics ?? [])
        {
            if (characteristic.ValueType != AllowanceDefinition.ValueType)
            {
                continue;
            }

            foreach (var (value, index) in (characteristic.ProductSpecCharacteristicValue ?? []).Select((v, i) => (v, i)))
            {
                var where = $"productSpecCharacteristic '{characteristic.Name}' value {index}";
                if (value.Value is not { ValueKind: JsonValueKind.Object } json)
                {
                    throw TmfProblemException.BadRequest("INVALID_ALLOWANCE", $"{where}: an allowance value must be an object.");
                }

                AllowanceDefinition allowance;
                try
                {
                    allowance = json.Deserialize<AllowanceDefinition>(TmfJson.Options) ?? throw new JsonException("null");
                }
                catch (JsonException e)
                {
                    throw TmfProblemException.BadRequest("INVALID_ALLOWANCE", $"{where}: {e.Message}");
                }

                Check(allowance, where);
            }
        }
    }

    public static void Check(AllowanceDefinition allowance, string where)
    {
        if (!AllowanceDefinition.Units.Contains(allowance.Unit))
        {
            throw TmfProblemException.BadRequest("INVALID_ALLOWANCE", $"{where}: unit must be one of {string.Join(", ", AllowanceDefinition.Units)}.");
        }

        if (allowance.Unlimited == allowance.Amount.HasValue || allowance.Amount < 0)
        {
            throw TmfProblemException.BadRequest("INVALID_ALLOWANCE", $"{where}: give either a non-negative amount or unlimited: true.");
        }

        if (allowance.RatingGroups is not { Count: > 0 } || allowance.RatingGroups.Any(g => g <= 0))
        {
            throw TmfProblemException.BadRequest("INVALID_ALLOWANCE", $"{where}: ratingGroups must list at least one positive rating group.");
        }

        if (!AllowanceDefinition.ResetPeriods.Contains(allowance.ResetPeriod))
        {
            throw TmfProblemException.BadRequest("INVALID_ALLOWANCE", $"{where}: resetPeriod must be one of {string.Join(", ", AllowanceDefinition.ResetPeriods)}.");
        }

        if (allowance.Priority < 0 || string.IsNullOrWhiteSpace(allowance.Zone))
        {
            throw TmfProblemException.BadRequest("INVALID_ALLOWANCE", $"{where}: priority must be 0 or more and zone must be named.");
        }
    }
}
