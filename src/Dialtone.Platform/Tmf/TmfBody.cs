using System.Text.Json;
using System.Text.Unicode;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Dialtone.Platform.Tmf;

/// <summary>
/// Reads a TMF request body: the media type, the 1 MiB limit, well-formed JSON, an object at the top. Each refusal
/// is its own clear 4xx; the typed checks (types, mandatory attributes, unknown attributes) follow in the deserializer.
/// </summary>
public static class TmfBody
{
    public const long MaxBytes = 1024 * 1024;

    public const string MergePatchMediaType = "application/merge-patch+json";

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    public static Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, ["application/json"], cancellationToken);

    public static Task<JsonObject> ReadMergePatchAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, [MergePatchMediaType, "application/json"], cancellationToken);

    private static async Task<JsonObject> ReadAsync(HttpRequest request, string[] mediaTypes, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !mediaTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            throw new TmfProblemException(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                $"Send the body as {string.Join(" or ", mediaTypes)}.");
        }

        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw TmfProblemException.BadRequest("EMPTY_BODY", "The request has no body.");
        }

        var bytes = buffer.ToArray();
        if (!Utf8.IsValid(bytes))
        {
            throw TmfProblemException.BadRequest("INVALID_ENCODING", "The body is not valid UTF-8.");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, NodeOptions, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw TmfProblemException.BadRequest("MALFORMED_JSON",
                $"The body is not well-formed JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }

        return node as JsonObject ?? throw TmfProblemException.BadRequest("INVALID_BODY", "The body must be a JSON object.");
    }

    private static TmfProblemException TooLarge() =>
        new(413, "BODY_TOO_LARGE", "Payload too large", $"The request body is larger than the limit of {MaxBytes} bytes (1 MiB).");
}
