using System.Text.Json.Serialization;

namespace Dialtone.Charging.Nchf;

/// <summary>
/// A TS 29.571 <c>ProblemDetails</c> with the application cause of TS 32.291 §6.1.7.3 or the protocol cause of TS 29.500
/// §5.2.7.2, and the fields that failed validation (<c>invalidParams</c>, each a JSON pointer into the body).
/// </summary>
internal sealed record NchfProblem
{
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("status")] public required int Status { get; init; }
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    [JsonPropertyName("instance")] public string? Instance { get; init; }
    [JsonPropertyName("cause")] public required string Cause { get; init; }
    [JsonPropertyName("invalidParams")] public IReadOnlyList<InvalidParam>? InvalidParams { get; init; }
}

/// <summary>One invalid field: <c>param</c> is a JSON pointer (<c>/multipleUnitUsage/0/ratingGroup</c>).</summary>
internal sealed record InvalidParam(
    [property: JsonPropertyName("param")] string Param,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>The causes Dialtone answers with.</summary>
internal static class NchfCauses
{
    /// <summary>400: a mandatory field is absent (TS 29.500).</summary>
    public const string MandatoryIeMissing = "MANDATORY_IE_MISSING";

    /// <summary>400: a field has a wrong value (TS 29.500).</summary>
    public const string MandatoryIeIncorrect = "MANDATORY_IE_INCORRECT";

    /// <summary>TS 29.500: an optional IE is present but wrong (400).</summary>
    public const string OptionalIeIncorrect = "OPTIONAL_IE_INCORRECT";

    /// <summary>400: the body is not the JSON the operation takes (TS 29.500).</summary>
    public const string InvalidMsgFormat = "INVALID_MSG_FORMAT";

    /// <summary>404: no charging account for the subscriber (TS 32.291).</summary>
    public const string UserUnknown = "USER_UNKNOWN";

    /// <summary>404: no session with this ChargingDataRef (TS 29.500).</summary>
    public const string ContextNotFound = "CONTEXT_NOT_FOUND";

    /// <summary>403: the end user may not use the service now (barred line; TS 32.291).</summary>
    public const string EndUserRequestDenied = "END_USER_REQUEST_DENIED";

    /// <summary>400: the request cannot be charged as sent (TS 32.291).</summary>
    public const string ChargingFailed = "CHARGING_FAILED";

    /// <summary>413: the body is larger than the CHF takes (TS 29.500).</summary>
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";

    /// <summary>415 (TS 29.500).</summary>
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";

    /// <summary>500: the CHF failed (its durable write did not complete); nothing was charged, the consumer retransmits.</summary>
    public const string SystemFailure = "SYSTEM_FAILURE";
}

/// <summary>A request refused before it reaches an account.</summary>
internal sealed class NchfProblemException(int status, string cause, string detail, IReadOnlyList<InvalidParam>? invalidParams = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Cause { get; } = cause;

    public IReadOnlyList<InvalidParam>? InvalidParams { get; } = invalidParams;

    public static NchfProblemException Missing(string pointer, string what) =>
        new(400, NchfCauses.MandatoryIeMissing, $"{what} is mandatory.", [new InvalidParam(pointer, "missing")]);

    public static NchfProblemException Incorrect(string pointer, string reason) =>
        new(400, NchfCauses.MandatoryIeIncorrect, $"{pointer}: {reason}", [new InvalidParam(pointer, reason)]);

    public static NchfProblemException OptionalIncorrect(string pointer, string reason) =>
        new(400, NchfCauses.OptionalIeIncorrect, $"{pointer}: {reason}", [new InvalidParam(pointer, reason)]);
}
