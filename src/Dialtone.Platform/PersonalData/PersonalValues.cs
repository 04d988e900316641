using System.Text;

namespace Dialtone.Platform.PersonalData;

/// <summary>How a personal value is normalised before it is hashed for search, so that a search finds what was stored.</summary>
public enum PersonalValueKind
{
    /// <summary>Trimmed, lower-cased.</summary>
    Email,

    /// <summary>Spaces, dashes, dots and brackets dropped; a leading 00 becomes +.</summary>
    PhoneNumber,

    /// <summary>Unicode NFC, trimmed, inner whitespace collapsed, lower-cased.</summary>
    Name,

    /// <summary>Trimmed only (identifiers that are personal data, e.g. an IMSI).</summary>
    Exact,
}

public static class PersonalValues
{
    public static string Normalise(string value, PersonalValueKind kind) => kind switch
    {
        PersonalValueKind.Email => value.Trim().ToLowerInvariant(),
        PersonalValueKind.PhoneNumber => CompactPhone(value),
        PersonalValueKind.Name => string.Join(' ', value.Normalize(NormalizationForm.FormC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant(),
        _ => value.Trim(),
    };

    /// <summary>A phone number without its separators, a leading 00 written as +.</summary>
    public static string CompactPhone(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                builder.Append(c);
            }
        }

        var compact = builder.ToString();
        return compact.StartsWith("00", StringComparison.Ordinal) ? "+" + compact[2..] : compact;
    }
}
