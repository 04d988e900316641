using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Import;
using Dialtone.Parties.Contracts;

namespace Dialtone.Legacy.Features.Sync;

/// <summary>One field of a person compared between Dialtone and legacy: its master, whether the two differ once normalised, legacy's raw value.</summary>
internal sealed record FieldComparison(string Field, string Master, bool Differs, string? LegacyValue);

/// <summary>
/// Which system masters each field after migration (ADR 0018), and how Dialtone's and legacy's values are compared: by
/// the import's normalisation (<see cref="LegacyValues"/>), so a phone number in another format, a padded email or an
/// all-capitals name is not a difference. Dialtone masters contact data, address, customer status and the lines (plan,
/// line status: they change through orders); legacy masters the identity it checked (given name, family name, birth date).
/// </summary>
internal static class LegacyFieldMasters
{
    public const string Dialtone = "dialtone";
    public const string Legacy = "legacy";

    /// <summary>Legacy's customer feed field names to Dialtone's field names and their master.</summary>
    public static readonly IReadOnlyDictionary<string, (string Field, string Master)> CustomerFields = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["Email"] = ("email", Dialtone),
        ["Phone"] = ("phone", Dialtone),
        ["Address"] = ("address", Dialtone),
        ["Status"] = ("status", Dialtone),
        ["FirstName"] = ("givenName", Legacy),
        ["LastName"] = ("familyName", Legacy),
        ["BirthDate"] = ("birthDate", Legacy),
    };

    /// <summary>A line's plan: Dialtone's (through orders); legacy's code compared with the mapping of the product's current offering (<see cref="LegacyPlans"/>).</summary>
    public const string PlanField = "plan";

    /// <summary>Legacy's subscription feed field names: Dialtone masters lines after migration.</summary>
    public static readonly IReadOnlyDictionary<string, string> SubscriptionFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PlanCode"] = PlanField,
        ["Status"] = "lineStatus",
    };

    /// <summary>Every customer field, Dialtone's and legacy's, compared. <paramref name="merged"/>: the person has several legacy records, whose names differ in case and spacing by the de-duplication rule.</summary>
    public static IReadOnlyList<FieldComparison> Compare(CustomerRecord dialtone, LegacyCustomer legacy, bool merged)
    {
        var address = LegacyValues.Address(legacy.Address);
        var legacyStatus = LegacyValues.CustomerStatusOf(legacy.Status);
        var dialtoneStatus = LegacyValues.CustomerStatusOf(LegacyFields.StatusOf(dialtone.CustomerStatus));
        return
        [
            new("email", Dialtone, LegacyValues.Email(legacy.Email).Email != dialtone.Email, legacy.Email),
            new("phone", Dialtone, LegacyValues.E164(legacy.Phone) != dialtone.Phone, legacy.Phone),
            new("address", Dialtone, !SameAddress(address, dialtone.Address), legacy.Address),
            new("status", Dialtone, dialtoneStatus is not null && legacyStatus != dialtoneStatus, legacy.Status),
            new("givenName", Legacy, !SameName(LegacyValues.Name(legacy.FirstName), dialtone.GivenName, merged), legacy.FirstName),
            new("familyName", Legacy, !SameName(LegacyValues.Name(legacy.LastName), dialtone.FamilyName, merged), legacy.LastName),
            new("birthDate", Legacy, (LegacyValues.Date(legacy.BirthDate) is { } birth ? birth != dialtone.BirthDate : string.IsNullOrWhiteSpace(legacy.BirthDate) && dialtone.BirthDate is not null), legacy.BirthDate),
        ];
    }

    /// <summary>The values legacy masters, as the import would have written them, for the fields named; null when there is nothing to write.</summary>
    public static SourceMasteredValues? MasteredValues(LegacyCustomer legacy, IEnumerable<string> fields)
    {
        string? given = null, family = null;
        DateOnly? birth = null;
        var clearBirth = false;
        foreach (var field in fields)
        {
            switch (field)
            {
                case "givenName":
                    given = LegacyValues.Name(legacy.FirstName);
                    break;
                case "familyName":
                    family = LegacyValues.Name(legacy.LastName);
                    break;
                case "birthDate":
                    // Cleared only when legacy's is blank: an unparseable date ("1977-13-45") is no value, not an erasure of Dialtone's valid one.
                    birth = LegacyValues.Date(legacy.BirthDate);
                    clearBirth = birth is null && string.IsNullOrWhiteSpace(legacy.BirthDate);
                    break;
            }
        }

        // A name legacy lost (blank) is not taken: Dialtone requires both names.
        return given is null && family is null && birth is null && !clearBirth ? null : new SourceMasteredValues(given, family, birth, clearBirth);
    }

    private static bool SameName(string? legacy, string? dialtone, bool merged) =>
        legacy is null || (merged
            ? string.Equals(LegacyValues.NameKey(legacy), LegacyValues.NameKey(dialtone ?? ""), StringComparison.Ordinal)
            : string.Equals(legacy, dialtone, StringComparison.Ordinal));

    private static bool SameAddress(NormalisedAddress? legacy, ContactAddress? dialtone)
    {
        if (legacy is null || dialtone is null)
        {
            return legacy is null && (dialtone is null || (string.IsNullOrEmpty(dialtone.Street) && string.IsNullOrEmpty(dialtone.City)));
        }

        return string.Equals(legacy.Street ?? legacy.FreeText, dialtone.Street, StringComparison.Ordinal)
               && string.Equals(legacy.PostCode ?? "", dialtone.PostCode ?? "", StringComparison.Ordinal)
               && string.Equals(legacy.City ?? "", dialtone.City ?? "", StringComparison.Ordinal);
    }
}
