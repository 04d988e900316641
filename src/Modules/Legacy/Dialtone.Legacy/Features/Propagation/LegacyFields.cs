using Dialtone.Legacy.Adapter;
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

    public static LegacyWritePlan Plan(CustomerRecord desired, LegacyCustomer current)
    {
        var writes = new List<(string, IReadOnlyList<(string, string?)>)>();
        var overwrites = new List<(string, string?)>();
        var email = desired.Email ?? "";
        var phone = desired.Phone ?? "";
        if (email != (current.Email ?? "") || phone != (current.Phone ?? ""))
        {
            writes.Add(("UpdateContact", [("Email", email), ("Phone", phone)]));
            if (email != (current.Email ?? ""))
            {
                overwrites.Add(("email", current.Email));
            }

            if (phone != (current.Phone ?? ""))
            {
                overwrites.Add(("phone", current.Phone));
            }
        }

        var address = AddressOf(desired.Address);
        if (address != (current.Address ?? ""))
        {
            writes.Add(("UpdateAddress", [("Address", address)]));
            overwrites.Add(("address", current.Address));
        }

        if (StatusOf(desired.CustomerStatus) is { } status && status != Normalised(current.Status))
        {
            writes.Add(("ChangeStatus", [("Status", status)]));
            overwrites.Add(("status", current.Status));
        }

        return new LegacyWritePlan(writes, overwrites);
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
