using System.Text.Json;
using Dialtone.Platform.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dialtone.Platform.Tmf;

/// <summary>Turns every failure of a TMF API into the TMF Error body with the right status; nothing escapes as a bare 500.</summary>
public sealed partial class TmfExceptionHandler(ILogger<TmfExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = Classify(exception);
        if (error.Status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = error.Status;
        await TmfResults.WriteErrorAsync(httpContext, error.ToError(), cancellationToken);
        return true;
    }

    internal static TmfProblemException Classify(Exception exception) => exception switch
    {
        TmfProblemException problem => problem,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new TmfProblemException(413, "BODY_TOO_LARGE", "Payload too large", "The request body is larger than the limit of 1 MiB."),
        BadHttpRequestException bad => new TmfProblemException(bad.StatusCode, "BAD_REQUEST", "Bad request", bad.Message),
        JsonException json => TmfProblemException.BadRequest("INVALID_BODY", JsonErrors.Describe(json)),
        OperationCanceledException => new TmfProblemException(499, "CANCELLED", "Client closed request", "The request was cancelled."),
        _ => new TmfProblemException(500, "INTERNAL_ERROR", "Internal error", "An unexpected error occurred; it has been logged with the trace id."),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure of {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}

/// <summary>Writing TMF bodies and errors with the TMF JSON conventions.</summary>
public static class TmfResults
{
    public static Task WriteErrorAsync(HttpContext context, TmfError error, CancellationToken cancellationToken = default)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, error, TmfJson.Options, cancellationToken);
    }

    /// <summary>A TMF Error result for an endpoint that answers a refusal without throwing.</summary>
    public static IResult Error(TmfProblemException problem) =>
        Results.Json(problem.ToError(), TmfJson.Options, "application/json; charset=utf-8", problem.Status);
}

internal static class JsonErrors
{
    public static string Describe(JsonException exception)
    {
        var path = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? null : exception.Path.TrimStart('$', '.');
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return path is null ? "The body has an unknown attribute." : $"Unknown attribute '{path}'.";
        }

        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var names = message[(message.IndexOf("including:", StringComparison.Ordinal) + 10)..].Trim().TrimEnd('.');
            return path is null ? $"Missing mandatory attribute(s): {names}." : $"Missing mandatory attribute(s) in '{path}': {names}.";
        }

        return path is null ? $"The body is not valid JSON for this resource: {message}" : $"Attribute '{path}' is invalid: {message}";
    }
}

public static class TmfErrorHandlingExtensions
{
    /// <summary>Statuses the framework produces without a body (404 of an unknown route, 405, 415) get a TMF Error body too.</summary>
    public static IApplicationBuilder UseTmfStatusCodeBodies(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var (code, reason) = status switch
            {
                404 => ("NOT_FOUND", "Not found"),
                405 => ("METHOD_NOT_ALLOWED", "Method not allowed"),
                413 => ("BODY_TOO_LARGE", "Payload too large"),
                415 => ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
                401 => ("UNAUTHENTICATED", "Unauthenticated"),
                403 => ("FORBIDDEN", "Forbidden"),
                _ => ("HTTP_" + status, "HTTP " + status),
            };
            await TmfResults.WriteErrorAsync(http, new TmfError(code, reason, null, status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
}
