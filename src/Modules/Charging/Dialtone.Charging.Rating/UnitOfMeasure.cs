using System.Globalization;

namespace Dialtone.Charging.Rating;

/// <summary>
/// A usage price's unit of measure in the units it counts: the catalog's <c>unitOfMeasure</c> <c>"1 MB"</c> is 10^6
/// octets, <c>"60 s"</c> 60 seconds, <c>"1 SMS"</c> one event. Money is charged per started unit of it (ADR 0011 §3).
/// </summary>
/// <param name="Size">How many octets, seconds or events one unit is; at least 1.</param>
/// <param name="Unit">What it counts.</param>
public readonly record struct UnitOfMeasure(long Size, UsageUnit Unit)
{
    private static readonly Dictionary<string, (long Factor, UsageUnit Unit)> Names = new(StringComparer.Ordinal)
    {
        ["octet"] = (1, UsageUnit.Octet),
        ["B"] = (1, UsageUnit.Octet),
        ["kB"] = (1_000, UsageUnit.Octet),
        ["MB"] = (1_000_000, UsageUnit.Octet),
        ["GB"] = (1_000_000_000, UsageUnit.Octet),
        ["second"] = (1, UsageUnit.Second),
        ["s"] = (1, UsageUnit.Second),
        ["min"] = (60, UsageUnit.Second),
        ["h"] = (3_600, UsageUnit.Second),
        ["event"] = (1, UsageUnit.Event),
        ["SMS"] = (1, UsageUnit.Event),
    };

    /// <summary>How many octets, seconds or events one unit is; at least 1.</summary>
    public long Size { get; } = Size > 0 ? Size : throw new ArgumentOutOfRangeException(nameof(Size), Size, "A unit of measure is at least 1.");

    /// <summary>
    /// Reads the catalog's text, an amount and a unit (<c>"1 MB"</c>, <c>"60 s"</c>, <c>"1 SMS"</c>; decimal units: kB, MB,
    /// GB are 10^3, 10^6, 10^9 octets), as inventory keeps it.
    /// </summary>
    /// <exception cref="FormatException">The text is not an amount and a known unit, or is not a whole number of octets, seconds or events.</exception>
    public static UnitOfMeasure Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !decimal.TryParse(parts[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || !Names.TryGetValue(parts[1], out var unit))
        {
            throw new FormatException($"'{text}' is not a unit of measure such as '1 MB', '60 s' or '1 SMS'.");
        }

        var size = amount * unit.Factor;
        if (size < 1 || size != decimal.Truncate(size))
        {
            throw new FormatException($"'{text}' is not a whole number of {unit.Unit.ToString().ToLowerInvariant()}s.");
        }

        return new UnitOfMeasure((long)size, unit.Unit);
    }

    /// <summary>How many units were started by <paramref name="count"/> octets, seconds or events: a started unit counts whole.</summary>
    public long StartedBy(long count) => count / Size + (count % Size == 0 ? 0 : 1);
}
