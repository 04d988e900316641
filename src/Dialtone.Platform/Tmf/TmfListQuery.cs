using System.Globalization;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Http;

namespace Dialtone.Platform.Tmf;

/// <summary>A comparison a list filter makes; equality takes several values as OR.</summary>
public enum TmfFilterOperator
{
    Equal,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

/// <summary>One attribute filter of a list request, its values already converted to the attribute's kind.</summary>
public sealed record TmfFilter(TmfAttribute Attribute, TmfFilterOperator Operator, IReadOnlyList<string> Texts, IReadOnlyList<long> Numbers);

/// <summary>One sort key: <c>sort=name</c> ascending, <c>sort=-lastUpdate</c> descending.</summary>
public sealed record TmfSort(TmfAttribute Attribute, bool Descending);

/// <summary>A TMF630 list request: paging, attribute selection, filters and sorting, checked against what the resource declares.</summary>
public sealed record TmfListQuery(int Offset, int Limit, IReadOnlySet<string>? Fields, IReadOnlyList<TmfFilter> Filters, IReadOnlyList<TmfSort> Sorts)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "offset", "limit", "fields", "sort" };

    private static readonly Dictionary<string, TmfFilterOperator> Operators = new(StringComparer.Ordinal)
    {
        ["gt"] = TmfFilterOperator.GreaterThan,
        ["gte"] = TmfFilterOperator.GreaterThanOrEqual,
        ["lt"] = TmfFilterOperator.LessThan,
        ["lte"] = TmfFilterOperator.LessThanOrEqual,
    };

    public static TmfListQuery Parse(IQueryCollection query, TmfResourceDescriptor resource)
    {
        var (offset, limit) = ParsePaging(query);
        var fields = ParseFields(query, resource);
        var sorts = ParseSorts(query, resource);
        var filters = new List<TmfFilter>();
        foreach (var (key, values) in query)
        {
            if (Reserved.Contains(key))
            {
                continue;
            }

            filters.Add(ParseFilter(key, values.SelectMany(v => (v ?? "").Split(',')).ToList(), resource.Attributes));
        }

        return new TmfListQuery(offset, limit, fields, filters, sorts);
    }

    /// <summary>Parses a filter in the same syntax against any attribute set (used for hub listener queries too).</summary>
    public static TmfFilter ParseFilter(string key, IReadOnlyList<string> values, IReadOnlyDictionary<string, TmfAttribute> attributes)
    {
        var path = key;
        var op = TmfFilterOperator.Equal;
        var dot = key.LastIndexOf('.');
        if (dot > 0 && Operators.TryGetValue(key[(dot + 1)..], out var parsed))
        {
            path = key[..dot];
            op = parsed;
        }

        if (!attributes.TryGetValue(path, out var attribute))
        {
            throw TmfProblemException.BadRequest("INVALID_FILTER",
                $"'{path}' is not a filterable attribute of this resource. Filterable: {string.Join(", ", attributes.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
        {
            throw TmfProblemException.BadRequest("INVALID_FILTER", $"The filter '{key}' contains a NUL character.");
        }

        if (values.Count == 0 || values.Any(string.IsNullOrEmpty))
        {
            throw TmfProblemException.BadRequest("INVALID_FILTER", $"The filter '{key}' has an empty value.");
        }

        if (op != TmfFilterOperator.Equal && values.Count > 1)
        {
            throw TmfProblemException.BadRequest("INVALID_FILTER", $"The filter '{key}' takes one value.");
        }

        switch (attribute.Kind)
        {
            case TmfAttributeKind.Text when op != TmfFilterOperator.Equal && attribute.Personal is not null:
                throw TmfProblemException.BadRequest("INVALID_FILTER", $"'{path}' is personal data, stored encrypted: it can only be searched for an exact value, not a range.");
            case TmfAttributeKind.Text when op != TmfFilterOperator.Equal:
                throw TmfProblemException.BadRequest("INVALID_FILTER", $"'{path}' can only be compared for equality.");
            case TmfAttributeKind.Text:
                return new TmfFilter(attribute, op, values, []);
            case TmfAttributeKind.Number:
                return new TmfFilter(attribute, op, [], values.Select(v =>
                    decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
                        ? TmfValues.ScaleNumber(n)
                        : throw TmfProblemException.BadRequest("INVALID_FILTER", $"The filter '{key}' needs a number, not '{v}'.")).ToList());
            default:
                return new TmfFilter(attribute, op, [], values.Select(v =>
                    TmfValues.TryParseTime(v, out var t)
                        ? t
                        : throw TmfProblemException.BadRequest("INVALID_FILTER", $"The filter '{key}' needs an ISO 8601 date or date-time, not '{v}'.")).ToList());
        }
    }

    /// <summary>TMF630 paging alone (<c>offset</c> from 0, <c>limit</c> 1 to <see cref="MaxLimit"/>), for lists that are not documents.</summary>
    public static (int Offset, int Limit) ParsePaging(IQueryCollection query) =>
        (ParseInt(query, "offset", 0, 0, int.MaxValue), ParseInt(query, "limit", DefaultLimit, 1, MaxLimit));

    private static int ParseInt(IQueryCollection query, string name, int fallback, int min, int max)
    {
        if (!query.TryGetValue(name, out var raw))
        {
            return fallback;
        }

        if (raw.Count != 1 || !int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw TmfProblemException.BadRequest("INVALID_PAGING", $"'{name}' must be a whole number from {min} to {max}.");
        }

        return value;
    }

    /// <summary>The <c>fields</c> parameter alone (a GET by id takes no other list parameter).</summary>
    public static HashSet<string>? ParseFields(IQueryCollection query, TmfResourceDescriptor resource) =>
        ParseFields(query, resource.TopLevelAttributes, resource.TypeName);

    /// <summary>The <c>fields</c> parameter of a representation that is not a stored resource: its attributes named by <paramref name="attributes"/>.</summary>
    public static HashSet<string>? ParseFields(IQueryCollection query, IReadOnlySet<string> attributes, string typeName)
    {
        if (!query.TryGetValue("fields", out var raw))
        {
            return null;
        }

        var fields = raw.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
        if (fields.Count == 0)
        {
            throw TmfProblemException.BadRequest("INVALID_FIELDS", "'fields' names no attribute.");
        }

        var unknown = fields.FirstOrDefault(f => !attributes.Contains(f));
        if (unknown is not null)
        {
            throw TmfProblemException.BadRequest("INVALID_FIELDS", $"'{unknown}' is not an attribute of {typeName}.");
        }

        return fields;
    }

    private static List<TmfSort> ParseSorts(IQueryCollection query, TmfResourceDescriptor resource)
    {
        if (!query.TryGetValue("sort", out var raw))
        {
            return [];
        }

        var sorts = new List<TmfSort>();
        foreach (var key in raw.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var descending = key.StartsWith('-');
            var path = key.TrimStart('-', '+');
            if (resource.Attributes.TryGetValue(path, out var personal) && personal.Personal is not null)
            {
                throw TmfProblemException.BadRequest("INVALID_SORT",
                    $"'{path}' is personal data, stored encrypted and indexed by a keyed hash: it can be searched for an exact value, not sorted.");
            }

            if (!resource.Attributes.TryGetValue(path, out var attribute) || !attribute.Sortable)
            {
                throw TmfProblemException.BadRequest("INVALID_SORT",
                    $"'{path}' is not a sortable attribute. Sortable: {string.Join(", ", resource.Attributes.Values.Where(a => a.Sortable).Select(a => a.Path))}.");
            }

            sorts.Add(new TmfSort(attribute, descending));
        }

        return sorts;
    }
}
