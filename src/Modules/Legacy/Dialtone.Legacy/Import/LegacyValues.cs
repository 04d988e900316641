using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;

namespace Dialtone.Legacy.Import;

/// <summary>A postal address: structured when the legacy free text could be parsed, else the free text alone.</summary>
internal sealed record NormalisedAddress(string? Street, string? PostCode, string? City, string Country, string? FreeText)
{
    public bool IsStructured => Street is not null && PostCode is not null && City is not null;
}

/// <summary>
/// The anti-corruption layer's translation of legacy values: pure functions, table-tested. Legacy's codes and formats
/// stay here; what leaves is Dialtone's (E.164, lower-cased emails, TMF statuses).
/// </summary>
internal static partial class LegacyValues
{
    private const int MaxEmailBytes = 150;

    /// <summary>
    /// A German number as E.164: <c>+49…</c>, <c>0049…</c>, <c>49…</c> (12–13 digits), national <c>0…</c>, with spaces,
    /// dashes, slashes, dots and a bracketed prefix. Null when it cannot be one (too short, letters, another trunk).
    /// </summary>
    public static string? E164(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var digits = new StringBuilder(raw.Length);
        var plus = false;
        foreach (var c in raw.Trim())
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c == '+' && digits.Length == 0 && !plus)
            {
                plus = true;
            }
            else if (c is not (' ' or '-' or '/' or '.' or '(' or ')'))
            {
                return null;
            }
        }

        var d = digits.ToString();
        string international;
        if (plus)
        {
            international = d;
        }
        else if (d.StartsWith("00", StringComparison.Ordinal))
        {
            international = d[2..];
        }
        else if (d.StartsWith('0'))
        {
            international = "49" + d[1..];
        }
        else if (d.StartsWith("49", StringComparison.Ordinal) && d.Length >= 11)
        {
            international = d;
        }
        else
        {
            return null;
        }

        if (international.StartsWith("490", StringComparison.Ordinal))
        {
            // +49 (0)170…: the national trunk prefix written inside an international number.
            international = "49" + international[3..];
        }

        return E164Pattern().IsMatch(international) ? "+" + international : null;
    }

    /// <summary>An E.164 number that is a German mobile number (015x, 016x, 017x): what a line's MSISDN must be.</summary>
    public static bool IsGermanMobile(string e164) => GermanMobile().IsMatch(e164);

    /// <summary>Trimmed and lower-cased; null when missing (NULL, empty, blank) or not <c>local@domain.tld</c>.</summary>
    public static EmailOutcome Email(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new EmailOutcome(null, Missing: true);
        }

        var email = raw.Trim().ToLowerInvariant();
        var valid = Encoding.UTF8.GetByteCount(email) <= MaxEmailBytes
                    && EmailPattern().IsMatch(email)
                    && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;
        return new EmailOutcome(valid ? email : null, Missing: false);
    }

    /// <summary>
    /// A German free-text address into street, postcode and city when it has them: lines or commas split it,
    /// <c>D-</c> before a postcode goes, <c>str.</c> becomes <c>straße</c>, all-capitals are title-cased; city-first
    /// (<c>10115 Berlin, Hauptstr. 1</c>) is understood. A <c>Postfach</c> or text without a five-digit postcode stays free text.
    /// </summary>
    public static NormalisedAddress? Address(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var text = Collapse(raw.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", ", ", StringComparison.Ordinal));
        if (!text.Contains("postfach", StringComparison.OrdinalIgnoreCase))
        {
            var expanded = StreetAbbreviation().Replace(text, "straße ");
            var parts = expanded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2)
            {
                foreach (var (place, street) in new[] { (parts[1], parts[0]), (parts[0], parts[1]) })
                {
                    var match = PostcodeCity().Match(place);
                    if (match.Success && StreetPattern().IsMatch(street))
                    {
                        return new NormalisedAddress(Tidy(Collapse(street)), match.Groups["postcode"].Value, Tidy(match.Groups["city"].Value), "DE", null);
                    }
                }
            }
            else if (parts.Length == 1 && StreetPostcodeCity().Match(parts[0]) is { Success: true } inline)
            {
                return new NormalisedAddress(Tidy(Collapse(inline.Groups["street"].Value)), inline.Groups["postcode"].Value, Tidy(inline.Groups["city"].Value), "DE", null);
            }
        }

        return new NormalisedAddress(null, null, null, "DE", text.Length > 200 ? text[..200] : text);
    }

    /// <summary>Legacy customer status codes (also <c>a</c>, <c>A </c> and an older system's <c>ACT</c>) to Dialtone's; null for an unknown code.</summary>
    public static CustomerStatus? CustomerStatusOf(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "A" or "ACT" => CustomerStatus.Active,
        "S" => CustomerStatus.Suspended,
        "B" => CustomerStatus.Blocked,
        "P" => CustomerStatus.Prospect,
        "T" => CustomerStatus.Terminated,
        "X" => CustomerStatus.Erased,
        _ => null,
    };

    /// <summary>Legacy subscription status codes to TMF637 product statuses; null for an unknown code.</summary>
    public static string? LineStatusOf(string? code) => code?.Trim() switch
    {
        "10" => "active",
        "20" or "30" => "suspended",
        "90" or "99" => "terminated",
        _ => null,
    };

    /// <summary>Legacy account status codes: open and dunning accounts are imported, closed ones too (with their history) as closed.</summary>
    public static string? AccountStateOf(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "OPN" => "active",
        "DUN" => "suspended",
        "CLS" => "closed",
        _ => null,
    };

    public static string? PaymentMethodOf(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "DD" => "directDebit",
        "INV" => "invoice",
        "CC" => "card",
        _ => null,
    };

    public static DateOnly? Date(string? raw) =>
        DateOnly.TryParseExact(raw?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>The names as the de-duplication rule compares them: NFC, trimmed, inner whitespace collapsed, lower-cased.</summary>
    public static string NameKey(string value) => Collapse(value.Normalize(NormalizationForm.FormC)).ToLowerInvariant();

    /// <summary>A name as stored: trimmed, whitespace collapsed, an all-capitals or all-lower-case name title-cased.</summary>
    public static string? Name(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var name = Collapse(raw.Normalize(NormalizationForm.FormC));
        return name == name.ToUpperInvariant() || name == name.ToLowerInvariant() ? Tidy(name) : name;
    }

    /// <summary>An email for the error report: the first character of the local part, then <c>***@domain</c>.</summary>
    public static string MaskEmail(string? raw)
    {
        var email = (raw ?? "").Trim();
        var at = email.LastIndexOf('@');
        return at <= 0 ? (email.Length == 0 ? "(empty)" : $"{email[0]}*** (no valid domain)") : $"{email[0]}***{email[at..]}";
    }

    /// <summary>A phone number for the error report: never in full, only its last two digits.</summary>
    public static string MaskPhone(string? raw)
    {
        var digits = new string((raw ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length <= 2 ? "(no digits)" : $"…{digits[^2..]} ({digits.Length} digits)";
    }

    private static string Tidy(string text) =>
        text == text.ToUpperInvariant() || text == text.ToLowerInvariant()
            ? TitleCase(text)
            : text;

    /// <summary>Upper case after a start, space, hyphen or dot; the host may run globalisation-invariant, so no culture's title case.</summary>
    private static string TitleCase(string text)
    {
        var chars = text.ToLowerInvariant().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 0 || chars[i - 1] is ' ' or '-' or '.')
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }

        return new string(chars);
    }

    private static string Collapse(string value) => string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^[1-9][0-9]{7,14}$")]
    private static partial Regex E164Pattern();

    [GeneratedRegex(@"^\+491(5[0-9]|6[0-9]|7[0-9])[0-9]{7,8}$")]
    private static partial Regex GermanMobile();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^(D-\s?)?(?<postcode>[0-9]{5})\s+(?<city>\p{L}[\p{L} .\-]*)$", RegexOptions.IgnoreCase)]
    private static partial Regex PostcodeCity();

    [GeneratedRegex(@"^\p{L}[\p{L} .\-]*\s[0-9]+(\s?[a-zA-Z])?$")]
    private static partial Regex StreetPattern();

    [GeneratedRegex(@"^(?<street>\p{L}[\p{L} .\-]*\s[0-9]+(\s?[a-zA-Z])?)\s+(D-\s?)?(?<postcode>[0-9]{5})\s+(?<city>\p{L}[\p{L} .\-]*)$", RegexOptions.IgnoreCase)]
    private static partial Regex StreetPostcodeCity();

    [GeneratedRegex(@"(?<=\p{L})str\.\s?", RegexOptions.IgnoreCase)]
    private static partial Regex StreetAbbreviation();
}

internal sealed record EmailOutcome(string? Email, bool Missing)
{
    public bool Invalid => Email is null && !Missing;
}

internal enum CustomerStatus
{
    Active,
    Suspended,
    Blocked,
    Prospect,
    Terminated,
    Erased,
}
