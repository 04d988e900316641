using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dialtone.Platform.PersonalData;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>What kind of value a filterable attribute holds, which decides the operators it accepts.</summary>
public enum TmfAttributeKind
{
    /// <summary>Equality only (also booleans, as <c>true</c>/<c>false</c>).</summary>
    Text,

    /// <summary>Equality and <c>.gt .gte .lt .lte</c>; compared at four decimals.</summary>
    Number,

    /// <summary>Equality and <c>.gt .gte .lt .lte</c>; a date alone means its start in UTC.</summary>
    DateTime,
}

/// <summary>An attribute a list may filter (and perhaps sort) on: a dotted path into the representation.</summary>
/// <param name="Personal">
/// Set for personal data (names, emails, phone numbers): the index keeps only a keyed hash of the normalised value,
/// so such an attribute can be searched for an exact value but never sorted or compared.
/// </param>
public sealed record TmfAttribute(string Path, TmfAttributeKind Kind, bool Sortable = false, PersonalValueKind? Personal = null);

/// <summary>
/// A TMF resource as the platform serves it: its API, its path segment, its representation type, and the
/// attributes a list may filter and sort on. Declaring an attribute is what makes it searchable; any other
/// attribute named in a query is refused.
/// </summary>
public sealed class TmfResourceDescriptor
{
    /// <param name="timestampAttribute">The attribute the server stamps on every write (<c>lastUpdate</c> in TMF620, <c>lastModified</c> in TMF666), or null when the spec has none.</param>
    /// <param name="statusAttribute">The attribute whose change is a state change event (<c>lifecycleStatus</c>, <c>state</c>, <c>status</c>).</param>
    /// <param name="ownIndex">
    /// The module keeps the resource in a table of its own, its declared attributes as columns, and answers its reads from
    /// it (its rules implement <see cref="ITmfOwnIndex"/>); no document or search entry is written for it by the platform:
    /// for records written thousands a second, where a document and an entry per attribute cost more than the record
    /// (ADR 0003, amendment of 2026-11-29). Read-only through the API (<c>MapTmfResourceReads</c>).
    /// </param>
    public TmfResourceDescriptor(string apiName, string resource, Type representation, IEnumerable<TmfAttribute> attributes,
        string? timestampAttribute = "lastUpdate", string statusAttribute = "lifecycleStatus", bool ownIndex = false)
    {
        ApiName = apiName;
        OwnIndex = ownIndex;
        TimestampAttribute = timestampAttribute;
        StatusAttribute = statusAttribute;
        ServerOwned = new HashSet<string>(["id", "href", .. timestampAttribute is null ? Array.Empty<string>() : [timestampAttribute]], StringComparer.Ordinal);
        ReadOnlyOnPatch = new HashSet<string>([.. ServerOwned, "@type", "@baseType"], StringComparer.Ordinal);
        Resource = resource;
        Representation = representation;
        Attributes = attributes.ToDictionary(a => a.Path, StringComparer.Ordinal);
        if (Attributes.TryGetValue(IdPath, out var id) && (id.Sortable || id.Kind != TmfAttributeKind.Text || id.Personal is not null))
        {
            throw new ArgumentException("'id' is filtered by the document's key: it can only be declared as plain text, not sortable.", nameof(attributes));
        }

        TopLevelAttributes = JsonAttributesOf(representation);
    }

    /// <summary>The JSON names of a representation's top-level attributes (its <see cref="JsonPropertyNameAttribute"/>s).</summary>
    public static HashSet<string> JsonAttributesOf(Type representation) =>
        representation.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The API's name in its base path, e.g. <c>productCatalogManagement</c>.</summary>
    public string ApiName { get; }

    /// <summary>The resource's path segment and event-payload name, e.g. <c>productOffering</c>.</summary>
    public string Resource { get; }

    /// <summary>The <c>@type</c> of the resource, e.g. <c>ProductOffering</c>.</summary>
    public string TypeName => char.ToUpperInvariant(Resource[0]) + Resource[1..];

    public Type Representation { get; }

    /// <summary>The attribute stamped with the time of every write, or null.</summary>
    public string? TimestampAttribute { get; }

    /// <summary>The attribute whose change publishes a state change event.</summary>
    public string StatusAttribute { get; }

    /// <summary>Attributes only the server sets: refused on create.</summary>
    public IReadOnlySet<string> ServerOwned { get; }

    /// <summary>Attributes a PATCH may not name.</summary>
    public IReadOnlySet<string> ReadOnlyOnPatch { get; }

    public IReadOnlyDictionary<string, TmfAttribute> Attributes { get; }

    /// <summary>Whether the module keeps the resource in a table of its own (<see cref="ITmfOwnIndex"/>) instead of documents with search entries.</summary>
    public bool OwnIndex { get; }

    public IReadOnlySet<string> TopLevelAttributes { get; }

    public string BasePath => $"/tmf-api/{ApiName}/v4/{Resource}";

    public string Href(string baseUrl, string id) => $"{baseUrl}{BasePath}/{Uri.EscapeDataString(id)}";

    /// <summary>The resource's id: filtered by the document's key, so it has no search entries (and is not sortable).</summary>
    public const string IdPath = "id";

    /// <summary>
    /// The search entries of a representation: every value found at every declared path but <see cref="IdPath"/>; none for a
    /// resource with an <see cref="OwnIndex"/>.
    /// </summary>
    /// <param name="protector">Hashes personal attributes; required when the resource declares any.</param>
    public IEnumerable<TmfSearchEntry> ExtractSearchEntries(string id, JsonObject body, PersonalDataProtector? protector) =>
        OwnIndex ? [] : SearchEntriesOf(id, body, protector);

    private IEnumerable<TmfSearchEntry> SearchEntriesOf(string id, JsonObject body, PersonalDataProtector? protector)
    {
        foreach (var attribute in Attributes.Values)
        {
            if (attribute.Path == IdPath)
            {
                continue;
            }

            foreach (var value in ValuesAt(body, attribute.Path.Split('.')))
            {
                var entry = new TmfSearchEntry { DocumentId = id, ResourceType = Resource, Path = attribute.Path };
                if (!TryFill(entry, attribute.Kind, value))
                {
                    continue;
                }

                if (attribute.Personal is { } personal)
                {
                    entry.Text = SearchText(personal, entry.Text!, protector);
                }

                yield return entry;
            }
        }
    }

    /// <summary>What the index holds for a personal value (and so what a filter on it must compare with): its keyed hash.</summary>
    public static string SearchText(PersonalValueKind kind, string value, PersonalDataProtector? protector) =>
        (protector ?? throw new InvalidOperationException("Personal attributes cannot be indexed without the personal-data protector."))
        .Hash(PersonalValues.Normalise(value, kind));

    private static bool TryFill(TmfSearchEntry entry, TmfAttributeKind kind, JsonValue value)
    {
        switch (kind)
        {
            case TmfAttributeKind.Number when value.TryGetValue<decimal>(out var number):
                entry.Number = TmfValues.ScaleNumber(number);
                return true;
            case TmfAttributeKind.DateTime when value.TryGetValue<string>(out var text) && TmfValues.TryParseTime(text, out var time):
                entry.Time = time;
                return true;
            case TmfAttributeKind.Text when value.TryGetValue<string>(out var text):
                entry.Text = text.Length > 512 ? text[..(char.IsHighSurrogate(text[511]) ? 511 : 512)] : text;
                return true;
            case TmfAttributeKind.Text when value.TryGetValue<bool>(out var flag):
                entry.Text = flag ? "true" : "false";
                return true;
            case TmfAttributeKind.Text when value.TryGetValue<decimal>(out var number):
                entry.Text = number.ToString(CultureInfo.InvariantCulture);
                return true;
            default:
                return false;
        }
    }

    private static IEnumerable<JsonValue> ValuesAt(JsonNode? node, ReadOnlyMemory<string> segments)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var value in ValuesAt(item, segments))
                    {
                        yield return value;
                    }
                }

                break;
            case JsonObject obj when segments.Length > 0:
                if (obj.TryGetPropertyValue(segments.Span[0], out var child))
                {
                    foreach (var value in ValuesAt(child, segments[1..]))
                    {
                        yield return value;
                    }
                }

                break;
            case JsonValue leaf when segments.Length == 0:
                yield return leaf;
                break;
        }
    }

    private static IEnumerable<JsonValue> ValuesAt(JsonNode? node, string[] segments) => ValuesAt(node, segments.AsMemory());
}

/// <summary>How filter values are compared in the database.</summary>
public static class TmfValues
{
    /// <summary>Numbers are stored and compared as integers of ten-thousandths.</summary>
    public const decimal NumberScale = 10_000m;

    public static long ScaleNumber(decimal value) =>
        (long)decimal.Round(Math.Clamp(value, long.MinValue / NumberScale, long.MaxValue / NumberScale) * NumberScale, MidpointRounding.ToZero);

    public static bool TryParseTime(string text, out long unixMilliseconds)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            unixMilliseconds = time.ToUnixTimeMilliseconds();
            return true;
        }

        unixMilliseconds = 0;
        return false;
    }
}
