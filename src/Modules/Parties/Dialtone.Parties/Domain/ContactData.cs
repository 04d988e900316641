using System.Net.Mail;
using System.Text.RegularExpressions;
using Dialtone.Parties.Domain.Representation.Customers;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;

namespace Dialtone.Parties.Domain;

/// <summary>
/// How contact data is checked and normalised everywhere it enters (sign-up, TMF632 writes): emails trimmed and
/// lower-cased, phone numbers in E.164 (<c>+</c>, country code, up to 15 digits) after dropping spaces, dashes, dots and brackets.
/// </summary>
internal static partial class ContactData
{
    /// <summary>In UTF-8 bytes: longer addresses would not fit the identity store once encrypted (256 characters); real ones are far shorter.</summary>
    public const int MaxEmailBytes = 150;

    public static string NormaliseEmail(string? email, string attribute)
    {
        var trimmed = (email ?? "").Trim().ToLowerInvariant();
        if (trimmed.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(trimmed) > MaxEmailBytes || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || !trimmed.Contains('.', StringComparison.Ordinal))
        {
            throw TmfProblemException.BadRequest("INVALID_EMAIL", $"'{attribute}' is not an email address (at most {MaxEmailBytes} bytes).");
        }

        return trimmed;
    }

    public static string NormalisePhone(string? phone, string attribute)
    {
        var compact = PersonalValues.CompactPhone(phone ?? "");
        if (!E164().IsMatch(compact))
        {
            throw TmfProblemException.BadRequest("INVALID_PHONE_NUMBER", $"'{attribute}' must be an international number in E.164 form, e.g. +353861234567.");
        }

        return compact;
    }

    /// <summary>Normalises every email and phone number of a contact medium list in place.</summary>
    public static void Normalise(IEnumerable<IMediumCharacteristic?>? media, string attribute)
    {
        var i = -1;
        foreach (var characteristic in media ?? [])
        {
            i++;
            if (characteristic is null)
            {
                continue;
            }

            if (characteristic.EmailAddress is not null)
            {
                characteristic.EmailAddress = NormaliseEmail(characteristic.EmailAddress, $"{attribute}[{i}].characteristic.emailAddress");
            }

            if (characteristic.PhoneNumber is not null)
            {
                characteristic.PhoneNumber = NormalisePhone(characteristic.PhoneNumber, $"{attribute}[{i}].characteristic.phoneNumber");
            }

            if (characteristic.FaxNumber is not null)
            {
                characteristic.FaxNumber = NormalisePhone(characteristic.FaxNumber, $"{attribute}[{i}].characteristic.faxNumber");
            }
        }
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
