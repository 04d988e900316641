using Dialtone.Platform.PersonalData;
using Microsoft.AspNetCore.Identity;

namespace Dialtone.Identity.Persistence;

/// <summary>
/// ASP.NET Core Identity's protection of the personal data it stores (user name, email, their normalised forms, phone):
/// deterministic, so that a login still finds the user by the protected form of their email. One key; see
/// docs/decisions/0009 for rotation.
/// </summary>
internal sealed class PersonalDataLookup(PersonalDataProtector protector) : ILookupProtector, ILookupProtectorKeyRing
{
    private const string KeyId = "1";

    public string CurrentKeyId => KeyId;

    public string this[string keyId] => KeyId;

    public IEnumerable<string> GetAllKeyIds() => [KeyId];

    public string? Protect(string keyId, string? data) => data is null ? null : protector.ProtectDeterministic(data);

    public string? Unprotect(string keyId, string? data) => data is null ? null : protector.UnprotectDeterministic(data);
}
