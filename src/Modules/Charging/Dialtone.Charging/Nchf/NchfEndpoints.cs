using System.Diagnostics;
using System.Text.Json;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Rating;
using Dialtone.Platform.PersonalData;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Charging.Nchf;

/// <summary>
/// Nchf_ConvergedCharging v3 (TS 32.291): create, update and release of charging data. A create finds the account
/// through the keyed hash of the SUPI; update and release route straight to the account the ChargingDataRef names.
/// </summary>
internal static partial class NchfEndpoints
{
    public const string Root = "/nchf-convergedcharging/v3";

    public static RouteGroupBuilder MapNchf(this IEndpointRouteBuilder endpoints, string policy)
    {
        var group = endpoints.MapGroup(Root).WithTags("Nchf_ConvergedCharging (TS 32.291)").RequireAuthorization(policy);
        Delegate create = (HttpContext context) => HandleAsync(context, ChargingOperation.Create, null);
        Describe(group.MapPost("/chargingdata", create), "nchf-create",
            "Create a charging session (ChargingDataRequest): 201 with the ChargingDataRef in Location", StatusCodes.Status201Created);
        Describe(group.MapPost("/chargingdata/{ChargingDataRef}/update", (HttpContext context, string chargingDataRef) => HandleAsync(context, ChargingOperation.Update, chargingDataRef)),
            "nchf-update", "Report used units and ask for more quota in a charging session", StatusCodes.Status200OK);
        Describe(group.MapPost("/chargingdata/{ChargingDataRef}/release", (HttpContext context, string chargingDataRef) => HandleAsync(context, ChargingOperation.Release, chargingDataRef)),
            "nchf-release", "Report the last used units and close a charging session: 204", StatusCodes.Status204NoContent);
        return group;
    }

    private static void Describe(RouteHandlerBuilder endpoint, string name, string summary, int success)
    {
        // The body is described, not enforced by routing (Accepts would answer a wrong media type with a bare 415, not the
        // ProblemDetails with its cause that the handler gives).
        endpoint.WithName(name).WithSummary(summary).AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(ChargingDataRequest), null, cancellationToken);
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
        if (success == StatusCodes.Status204NoContent)
        {
            endpoint.Produces(success);
        }
        else
        {
            endpoint.Produces<ChargingDataResponse>(success);
        }

        foreach (var status in new[] { 400, 403, 404, 413, 415, 500 })
        {
            endpoint.Produces<NchfProblem>(status, "application/problem+json");
        }
    }

    /// <summary>The account a ChargingDataRef names: <c>{account uuid, 32 hex}-{session number}</c>.</summary>
    public static Guid? AccountOf(string reference) =>
        reference.Length is > 33 and <= 44 && reference[32] == '-' && reference.AsSpan(33).IndexOfAnyExceptInRange('0', '9') < 0
        && Guid.TryParseExact(reference.AsSpan(0, 32), "N", out var account)
            ? account
            : null;

    private static async Task HandleAsync(HttpContext context, ChargingOperation operation, string? reference)
    {
        var services = context.RequestServices;
        var settings = services.GetRequiredService<IOptions<ChargingOptions>>().Value;
        try
        {
            var request = await NchfRequests.ReadAsync(context.Request, settings.MaxRequestBytes, context.RequestAborted);
            // The list as configured now (it follows a configuration reload), as the notifier reads it when sending.
            var call = NchfRequests.ToCall(operation, reference, request, services.GetRequiredService<IOptionsMonitor<ChargingOptions>>().CurrentValue.AllowedNotifyHosts);
            var grains = services.GetRequiredService<IGrainFactory>();
            Guid account;
            if (operation == ChargingOperation.Create)
            {
                var imsi = NchfRequests.ImsiOf(request.SubscriberIdentifier!);
                var key = imsi is null ? null : SubscriberKeys.OfImsi(services.GetRequiredService<PersonalDataProtector>(), imsi);
                if (key is null || await grains.GetGrain<ISubscriberGrain>(key).AccountAsync() is not { } found)
                {
                    await WriteProblemAsync(context, 404, NchfCauses.UserUnknown, "No charging account serves this subscriber.");
                    return;
                }

                account = found;
            }
            else if (AccountOf(reference!) is { } routed)
            {
                account = routed;
            }
            else
            {
                await WriteProblemAsync(context, 404, NchfCauses.ContextNotFound, "No charging session has this ChargingDataRef.");
                return;
            }

            var answer = await services.GetRequiredService<ChargingAccountReferences>().Of(account).ChargeAsync(call);
            await WriteAnswerAsync(context, answer);
        }
        catch (NchfProblemException problem)
        {
            await WriteProblemAsync(context, problem.Status, problem.Cause, problem.Message, problem.InvalidParams);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // The account's durable write did not complete, so nothing was charged: the consumer retransmits.
            LogFailure(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NchfEndpoints)), e, operation, Activity.Current?.TraceId.ToString());
            await WriteProblemAsync(context, 500, NchfCauses.SystemFailure, "The charging function failed; nothing was charged. Retransmit the request.");
        }
    }

    private static Task WriteAnswerAsync(HttpContext context, ChargingAnswer answer)
    {
        switch (answer.Outcome)
        {
            case ChargingOutcome.UserUnknown:
                return WriteProblemAsync(context, 404, NchfCauses.UserUnknown, answer.Detail ?? "Unknown subscriber.");
            case ChargingOutcome.SessionUnknown:
                return WriteProblemAsync(context, 404, NchfCauses.ContextNotFound, answer.Detail ?? "Unknown ChargingDataRef.");
            case ChargingOutcome.Denied:
                return WriteProblemAsync(context, 403, NchfCauses.EndUserRequestDenied, answer.Detail ?? "Denied.");
            case ChargingOutcome.Mismatch:
                return WriteProblemAsync(context, 400, NchfCauses.ChargingFailed, answer.Detail ?? "The request does not fit its session.",
                    [new InvalidParam("/multipleUnitUsage", "another service than the session charges")]);
            case ChargingOutcome.OutOfSequence:
                return WriteProblemAsync(context, 400, NchfCauses.ChargingFailed, answer.Detail ?? "Out of sequence.",
                    [new InvalidParam("/invocationSequenceNumber", "older than the last answered")]);
            case ChargingOutcome.Released:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
        }

        if (answer.Outcome == ChargingOutcome.Created)
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers.Location = $"{context.Request.Scheme}://{context.Request.Host}{Root}/chargingdata/{answer.ChargingDataRef}";
        }

        var settings = context.RequestServices.GetRequiredService<IOptions<ChargingOptions>>().Value;
        var response = new ChargingDataResponse
        {
            InvocationTimeStamp = answer.At,
            InvocationSequenceNumber = answer.Sequence,
            // A prepaid line stops when charging cannot be reached; a postpaid one carries on and reports later.
            InvocationResult = new InvocationResult { FailureHandling = answer.Prepaid ? "RETRY_AND_TERMINATE" : "CONTINUE" },
            SessionFailover = "FAILOVER_SUPPORTED",
            MultipleUnitInformation = [.. answer.Grants.Select(grant => Information(grant, settings))],
        };
        return WriteJsonAsync(context, "application/json", response, NchfJson.Default.ChargingDataResponse);
    }

    private static MultipleUnitInformation Information(UnitGrant grant, ChargingOptions settings) => new()
    {
        ResultCode = grant.ResultCode,
        RatingGroup = grant.RatingGroup,
        GrantedUnit = grant.Granted is { } granted ? grant.Unit switch
        {
            UsageUnit.Second => new Units { Time = granted },
            UsageUnit.Event => new Units { ServiceSpecificUnits = granted },
            _ => new Units { TotalVolume = granted },
        } : null,
        ValidityTime = grant.ValiditySeconds,
        QuotaHoldingTime = grant.Granted > 0 ? (long)settings.QuotaHoldingTime.TotalSeconds : null,
        VolumeQuotaThreshold = grant.Unit == UsageUnit.Octet ? grant.Threshold : null,
        TimeQuotaThreshold = grant.Unit == UsageUnit.Second ? grant.Threshold : null,
        UnitQuotaThreshold = grant.Unit == UsageUnit.Event ? grant.Threshold : null,
        FinalUnitIndication = grant.FinalUnit && grant.Granted > 0 ? new FinalUnitIndication { FinalUnitAction = "TERMINATE" } : null,
    };

    private static Task WriteProblemAsync(HttpContext context, int status, string cause, string detail, IReadOnlyList<InvalidParam>? invalid = null)
    {
        context.Response.StatusCode = status;
        var problem = new NchfProblem
        {
            Title = status switch
            {
                400 => "Bad Request",
                403 => "Forbidden",
                404 => "Not Found",
                413 => "Payload Too Large",
                415 => "Unsupported Media Type",
                _ => "Internal Server Error",
            },
            Status = status,
            Detail = detail,
            Instance = context.Request.Path,
            Cause = cause,
            InvalidParams = invalid,
        };
        return WriteJsonAsync(context, "application/problem+json", problem, NchfJson.Default.NchfProblem);
    }

    /// <summary>
    /// Writes the body into the response's pipe without flushing it: Kestrel sends the headers, the body and the end of
    /// the stream together when the handler returns (on HTTP/2 one write of HEADERS and DATA with END_STREAM, instead of
    /// a flush of both and then an empty DATA frame to end the stream). An answer is a few hundred bytes.
    /// </summary>
    private static Task WriteJsonAsync<T>(HttpContext context, string contentType, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.ContentType = contentType;
        using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        JsonSerializer.Serialize(writer, body, type);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Nchf {Operation} failed (trace {TraceId}); nothing was acknowledged")]
    private static partial void LogFailure(ILogger logger, Exception exception, ChargingOperation operation, string? traceId);
}
