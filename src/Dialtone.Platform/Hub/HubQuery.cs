using System.Globalization;
using System.Text.Json.Nodes;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.WebUtilities;

namespace Dialtone.Platform.Hub;

/// <summary>
/// A listener's <c>query</c>, in the list filter syntax, applied to each event: <c>eventType=ProductOfferingCreateEvent</c>,
/// <c>eventType=A,B</c>, <c>event.productOffering.lifecycleStatus=Launched</c>, <c>event.productOfferingPrice.price.value.gt=10</c>.
/// </summary>
public sealed class HubQuery
{
    private static readonly string[] Roots = ["eventId", "eventTime", "eventType", "correlationId", "domain", "title", "event"];

    private readonly List<(string[] Path, TmfFilterOperator Operator, string[] Values)> conditions;

    private HubQuery(List<(string[] Path, TmfFilterOperator Operator, string[] Values)> conditions) => this.conditions = conditions;

    public static HubQuery Parse(string? query)
    {
        var conditions = new List<(string[], TmfFilterOperator, string[])>();
        if (string.IsNullOrWhiteSpace(query))
        {
            return new HubQuery(conditions);
        }

        foreach (var (key, values) in QueryHelpers.ParseQuery(query.TrimStart('?')))
        {
            var segments = key.Split('.');
            var op = TmfFilterOperator.Equal;
            if (segments.Length > 1 && segments[^1] is "gt" or "gte" or "lt" or "lte")
            {
                op = segments[^1] switch
                {
                    "gt" => TmfFilterOperator.GreaterThan,
                    "gte" => TmfFilterOperator.GreaterThanOrEqual,
                    "lt" => TmfFilterOperator.LessThan,
                    _ => TmfFilterOperator.LessThanOrEqual,
                };
                segments = segments[..^1];
            }

            if (!Roots.Contains(segments[0]) || (segments[0] == "event" && segments.Length < 3))
            {
                throw TmfProblemException.BadRequest("INVALID_QUERY",
                    $"'{key}' is not an event attribute; use one of {string.Join(", ", Roots.Take(6))} or event.<resource>.<attribute>.");
            }

            var split = values.SelectMany(v => (v ?? "").Split(',')).ToArray();
            if (split.Length == 0 || split.Any(string.IsNullOrEmpty) || (op != TmfFilterOperator.Equal && split.Length != 1))
            {
                throw TmfProblemException.BadRequest("INVALID_QUERY", $"The condition '{key}' needs one value (or several, comma-separated, for equality).");
            }

            conditions.Add((segments, op, split));
        }

        return new HubQuery(conditions);
    }

    public bool Matches(JsonNode notification) => conditions.All(c => Values(notification, c.Path, 0).Any(v => Compare(v, c.Operator, c.Values)));

    private static bool Compare(JsonValue value, TmfFilterOperator op, string[] expected)
    {
        if (op == TmfFilterOperator.Equal)
        {
            var text = value.TryGetValue<string>(out var s) ? s : value.ToJsonString();
            return expected.Contains(text, StringComparer.Ordinal);
        }

        long actual;
        long wanted;
        if (value.TryGetValue<decimal>(out var number) && decimal.TryParse(expected[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var target))
        {
            actual = TmfValues.ScaleNumber(number);
            wanted = TmfValues.ScaleNumber(target);
        }
        else if (value.TryGetValue<string>(out var time) && TmfValues.TryParseTime(time, out actual) && TmfValues.TryParseTime(expected[0], out wanted))
        {
        }
        else
        {
            return false;
        }

        return op switch
        {
            TmfFilterOperator.GreaterThan => actual > wanted,
            TmfFilterOperator.GreaterThanOrEqual => actual >= wanted,
            TmfFilterOperator.LessThan => actual < wanted,
            _ => actual <= wanted,
        };
    }

    private static IEnumerable<JsonValue> Values(JsonNode? node, string[] path, int index) => node switch
    {
        JsonArray array => array.SelectMany(item => Values(item, path, index)),
        JsonObject obj when index < path.Length => obj.TryGetPropertyValue(path[index], out var child) ? Values(child, path, index + 1) : [],
        JsonValue leaf when index == path.Length => [leaf],
        _ => [],
    };
}
