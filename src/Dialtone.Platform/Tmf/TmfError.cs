using System.Text.Json.Serialization;

namespace Dialtone.Platform.Tmf;

/// <summary>The TMF630 <c>Error</c> body returned by every 4xx and 5xx of a TMF API.</summary>
public sealed record TmfError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("referenceError")] string? ReferenceError = null)
{
    [JsonPropertyName("@type")]
    public string Type => "Error";
}

/// <summary>
/// A request Dialtone refuses, with the status and the TMF error it answers. Thrown where the refusal is found
/// (body parsing, query parsing, a domain rule) and turned into the TMF Error body in one place.
/// </summary>
public sealed class TmfProblemException(int status, string code, string reason, string? message = null)
    : Exception(message ?? reason)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Reason { get; } = reason;

    public string? Detail { get; } = message;

    public TmfError ToError() => new(Code, Reason, Detail, Status.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static TmfProblemException BadRequest(string code, string message) => new(400, code, "Bad request", message);

    public static TmfProblemException NotFound(string resource, string id) =>
        new(404, "NOT_FOUND", "Not found", $"No {resource} with id '{id}'.");

    public static TmfProblemException Conflict(string code, string message) => new(409, code, "Conflict", message);

    public static TmfProblemException PreconditionFailed(string message) => new(412, "PRECONDITION_FAILED", "Precondition failed", message);

    public static TmfProblemException Unprocessable(string code, string message) => new(422, code, "Unprocessable entity", message);
}
