using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Platform.Json;
using Dialtone.Platform.Tmf;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>Moving representations between their typed form, their stored JSON and what a caller sees.</summary>
public static class TmfRepresentation
{
    public static JsonObject ToJsonObject<T>(T representation) =>
        JsonSerializer.SerializeToNode(representation, TmfJson.Options)?.AsObject() ?? throw new InvalidOperationException("A representation serialised to null.");

    /// <summary>
    /// The typed form of a request body. Beyond what the deserializer checks (types, mandatory and unknown attributes), a
    /// null inside an array, a NUL character or a lone surrogate in a string is refused with a 400 naming where it is.
    /// </summary>
    public static T FromJson<T>(JsonNode node)
    {
        EnsureStorable(node);
        try
        {
            return node.Deserialize<T>(TmfJson.Options) ?? throw new JsonException("The body is null.");
        }
        catch (InvalidOperationException e)
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", $"The body cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses (400, naming where) what no stored text may hold: a null inside an array, a NUL character or a lone
    /// surrogate in a string. Request bodies are checked by <see cref="FromJson{T}"/>; imported representations, whose
    /// text comes from another system, by their importer.
    /// </summary>
    public static void EnsureStorable(JsonNode? node)
    {
        // Where a refused value is, is worked out only when one is found (JsonNode.GetPath): a valid body costs no strings.
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    EnsureStorable(child);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null)
                    {
                        throw TmfProblemException.BadRequest("INVALID_BODY", $"'{PathOf(array)}[{i}]' is null; leave it out instead.");
                    }

                    EnsureStorable(array[i]);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                string text;
                try
                {
                    text = value.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    throw TmfProblemException.BadRequest("INVALID_BODY", $"'{PathOf(value)}' is not valid text.");
                }

                if (text.Contains('\0', StringComparison.Ordinal) || HasLoneSurrogate(text))
                {
                    throw TmfProblemException.BadRequest("INVALID_BODY", $"'{PathOf(value)}' contains a NUL character or a broken surrogate.");
                }

                break;
        }
    }

    /// <summary>A node's place in the body as the messages name it: <c>a.b[0]</c> (JsonNode's <c>$.a.b[0]</c> without the root).</summary>
    private static string PathOf(JsonNode node)
    {
        var path = node.GetPath();
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    public static T FromStored<T>(TmfDocument document) =>
        JsonSerializer.Deserialize<T>(document.Body, TmfJson.Options) ?? throw new InvalidOperationException($"Document {document.Id} is empty.");

    /// <summary>What the caller sees: the stored body with its absolute <c>href</c>, optionally cut down to the requested fields.</summary>
    public static JsonObject ForCaller(TmfDocument document, TmfResourceDescriptor resource, string baseUrl, IReadOnlySet<string>? fields = null)
    {
        var stored = JsonNode.Parse(document.Body)!.AsObject();
        var result = new JsonObject
        {
            ["id"] = document.Id,
            ["href"] = resource.Href(baseUrl, document.Id),
        };
        foreach (var (name, value) in stored)
        {
            if (name is "id" or "href")
            {
                continue;
            }

            if (fields is null || fields.Contains(name) || name == "@type")
            {
                var copy = value?.DeepClone();
                AbsolutiseHrefs(copy, baseUrl);
                result[name] = copy;
            }
        }

        return result;
    }

    /// <summary>
    /// References are stored with relative hrefs (<c>/tmf-api/...</c>) so that stored documents do not depend on the
    /// host that wrote them; a caller sees them absolute, on its own base URL.
    /// </summary>
    private static void AbsolutiseHrefs(JsonNode? node, string baseUrl)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (name == "href" && child is JsonValue href && href.TryGetValue<string>(out var text) && text.StartsWith('/'))
                    {
                        obj[name] = baseUrl + text;
                    }
                    else
                    {
                        AbsolutiseHrefs(child, baseUrl);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    AbsolutiseHrefs(item, baseUrl);
                }

                break;
        }
    }

    /// <summary>RFC 7396 JSON merge patch: objects merge, <c>null</c> removes, anything else replaces (arrays whole).</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatch(result[name], value);
            }
        }

        return result;
    }

    /// <summary>The attributes (JSON names) whose values differ between two representations.</summary>
    public static IEnumerable<string> ChangedAttributes(JsonObject before, JsonObject after) =>
        before.Select(p => p.Key).Union(after.Select(p => p.Key))
            .Where(name => !JsonNode.DeepEquals(before[name], after[name]));

    public static IEnumerable<string> ChangedAttributes<T>(T before, T after) =>
        ChangedAttributes(ToJsonObject(before), ToJsonObject(after));
}
