using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Sync;
using Dialtone.Parties.Contracts;

namespace Dialtone.Legacy.Features.Propagation;

/// <summary>The writes that bring a legacy record to Dialtone's values, and which legacy values they overwrite.</summary>
internal sealed record LegacyWritePlan(IReadOnlyList<(string Operation, IReadOnlyList<(string Name, string? Value)> Fields)> Writes, IReadOnlyList<(string Field, string? LegacyValue)> Overwrites);

/// <summary>The fields Dialtone masters, in legacy's terms, as they are in legacy or as Dialtone wants them.</summary>
internal sealed record LegacyFieldValues(string Email, string Phone, string Address, string? Status)
{
    public IEnumerable<(string Field, string? Value)> All => [("email", Email), ("phone", Phone), ("address", Address), ("status", Status)];
}

/// <summary>
/// Dialtone's fields in legacy's terms: email and phone as held (E.164, lower-cased), the address as legacy's one free
/// text line (<c>street, postcode city</c>), TMF629 customer status as legacy's code. A value Dialtone does not have
/// clears legacy's (Dialtone is the master after migration, ADR 0017).
/// </summary>
internal static class LegacyFields
{
    public const int MaxAddressLength = 200;

    public static readonly LegacyWritePlan ErasurePlan = new([("EraseCustomer", [])], []);

    /// <summary>
    /// The writes that bring legacy to Dialtone's values. Compared as the import would read legacy's values
    /// (<see cref="LegacyFieldMasters.Compare"/>: E.164, lower-cased email, parsed address, status codes): a record that
    /// already holds Dialtone's values in legacy's own format is not written, so a change that moved nothing legacy holds
    /// (a name the change-feed sync took from legacy, say) costs one read and no write, and no version a legacy user's
    /// edit would then conflict with.
    /// </summary>
    public static LegacyWritePlan Plan(CustomerRecord desired, LegacyCustomer current)
    {
        var differing = LegacyFieldMasters.Compare(desired, current, merged: false)
            .Where(c => c.Differs && c.Master == LegacyFieldMasters.Dialtone).Select(c => c.Field).ToHashSet(StringComparer.Ordinal);
        var writes = new List<(string, IReadOnlyList<(string, string?)>)>();
        var overwrites = new List<(string, string?)>();
        if (differing.Contains("email") || differing.Contains("phone"))
        {
            writes.Add(("UpdateContact", [("Email", desired.Email ?? ""), ("Phone", desired.Phone ?? "")]));
            if (differing.Contains("email"))
            {
                overwrites.Add(("email", current.Email));
            }

            if (differing.Contains("phone"))
            {
                overwrites.Add(("phone", current.Phone));
            }
        }

        if (differing.Contains("address"))
        {
            writes.Add(("UpdateAddress", [("Address", AddressOf(desired.Address))]));
            overwrites.Add(("address", current.Address));
        }

        if (differing.Contains("status") && StatusOf(desired.CustomerStatus) is { } status)
        {
            writes.Add(("ChangeStatus", [("Status", status)]));
            overwrites.Add(("status", current.Status));
        }

        return new LegacyWritePlan(writes, overwrites);
    }

    /// <summary>What legacy holds after <paramref name="plan"/>'s writes: Dialtone's values where written, legacy's own (in its format) where not.</summary>
    public static LegacyFieldValues After(LegacyFieldValues legacyNow, LegacyFieldValues wanted, LegacyWritePlan plan)
    {
        var after = legacyNow;
        foreach (var (operation, _) in plan.Writes)
        {
            after = operation switch
            {
                "UpdateContact" => after with { Email = wanted.Email, Phone = wanted.Phone },
                "UpdateAddress" => after with { Address = wanted.Address },
                "ChangeStatus" => after with { Status = wanted.Status ?? after.Status },
                _ => after,
            };
        }

        return after;
    }

    public static string AddressOf(ContactAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        var place = string.Join(' ', new[] { address.PostCode, address.City }.Where(p => !string.IsNullOrWhiteSpace(p)));
        var text = string.Join(", ", new[] { address.Street, place }.Where(p => !string.IsNullOrWhiteSpace(p)));
        return text.Length <= MaxAddressLength ? text : text[..MaxAddressLength];
    }

    /// <summary>Legacy's code for a TMF629 status; null for a status legacy has no code for (it is then left as it is).</summary>
    public static string? StatusOf(string? customerStatus) => customerStatus switch
    {
        "Approved" => "A",
        "Suspended" => "S",
        "Blocked" => "B",
        "Prospect" => "P",
        "Terminated" => "T",
        _ => null,
    };

    public static LegacyFieldValues Desired(CustomerRecord desired) => new(desired.Email ?? "", desired.Phone ?? "", AddressOf(desired.Address), StatusOf(desired.CustomerStatus));

    public static LegacyFieldValues Current(LegacyCustomer current) => new(current.Email ?? "", current.Phone ?? "", current.Address ?? "", Normalised(current.Status));

    public static bool IsErased(string? legacyStatus) => Normalised(legacyStatus) == "X";

    private static string? Normalised(string? legacyStatus) => legacyStatus?.Trim().ToUpperInvariant() switch
    {
        "ACT" => "A",
        var code => code,
    };
}
