using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static Dialtone.Ordering.Provisioning.ProvisioningOperations;

namespace Dialtone.Ordering.Provisioning;

/// <summary>
/// The provisioning systems over HTTP (the network stand-in and the SM-DP+ stand-in in tools/, or a real adapter with
/// the same API): each call carries its idempotency key in an <c>Idempotency-Key</c> header and goes through a
/// resilience pipeline (a total timeout, retries with exponential backoff and jitter, a circuit breaker, a timeout per
/// try). Resources are named by Dialtone's product ids, never by MSISDN or IMSI, so no identifier of a person appears
/// in a URL (URLs end up in traces); the client's own request logging is off for the same reason.
/// </summary>
internal sealed class HttpProvisioningSystems(IHttpClientFactory clients, UnansweredCalls unanswered) : IProvisioningSystems
{
    public const string NetworkClient = "provisioning-network";
    public const string SmdpClient = "provisioning-smdp";

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<UnansweredCalls>();
        services.AddTransient<UnansweredCallRecorder>();
        foreach (var (name, endpoint) in new[] { (NetworkClient, (Func<OrderingOptions, ProvisioningEndpoint>)(o => o.Network)), (SmdpClient, o => o.Smdp) })
        {
            var http = services.AddHttpClient(name, (provider, client) =>
                {
                    var settings = endpoint(provider.GetRequiredService<IOptions<OrderingOptions>>().Value);
                    client.BaseAddress = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
                    client.Timeout = Timeout.InfiniteTimeSpan;
                })
                .RemoveAllLoggers();
            http.AddResilienceHandler(name, (pipeline, context) =>
                {
                    var settings = endpoint(context.ServiceProvider.GetRequiredService<IOptions<OrderingOptions>>().Value);
                    // Timeouts and breaks of network calls are wall-clock time, whatever clock the business rules run on.
                    pipeline.TimeProvider = TimeProvider.System;
                    pipeline
                        .AddTimeout(settings.TotalTimeout)
                        .AddRetry(new HttpRetryStrategyOptions
                        {
                            MaxRetryAttempts = settings.Retries,
                            Delay = settings.RetryDelay,
                            BackoffType = DelayBackoffType.Exponential,
                            UseJitter = true,
                        })
                        .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                        {
                            FailureRatio = 0.5,
                            MinimumThroughput = settings.BreakAfterFailures,
                            SamplingDuration = TimeSpan.FromSeconds(30),
                            BreakDuration = settings.BreakDuration,
                        })
                        .AddTimeout(settings.AttemptTimeout);
                });
            http.AddHttpMessageHandler<UnansweredCallRecorder>(); // inside the pipeline: sees every try
        }

        services.AddSingleton<IProvisioningSystems, HttpProvisioningSystems>();
    }

    public async Task<IReadOnlyDictionary<string, string>> ExecuteAsync(ProvisioningCall call, CancellationToken cancellationToken)
    {
        var (method, path, body) = Route(call);
        var client = clients.CreateClient(call.System == Smdp ? SmdpClient : NetworkClient);
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", call.IdempotencyKey);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            throw new ProvisioningUnavailableException($"the {call.System} failed repeatedly; calls are paused (circuit open)", unanswered.Take(call.IdempotencyKey));
        }
        catch (TimeoutRejectedException)
        {
            unanswered.Take(call.IdempotencyKey);
            throw new ProvisioningUnavailableException($"the {call.System} did not answer in time", outcomeUnknown: true);
        }
        catch (HttpRequestException e)
        {
            // Refused or unresolvable: the call never arrived. Anything else may have broken after the system acted, and
            // so may an earlier try the pipeline retried.
            var neverArrived = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            throw new ProvisioningUnavailableException($"the {call.System} could not be reached ({e.HttpRequestError})", unanswered.Take(call.IdempotencyKey) || !neverArrived);
        }

        var earlierTryUnanswered = unanswered.Take(call.IdempotencyKey);

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return await OutputAsync(response, cancellationToken);
            }

            var code = await ErrorCodeAsync(response, cancellationToken);
            if ((int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                // 503, 429 and 408 say the call was not carried out; a 500 or a gateway's 502/504 leave it open.
                var notCarriedOut = response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
                throw new ProvisioningUnavailableException($"the {call.System} answered {(int)response.StatusCode} {code}".TrimEnd(), outcomeUnknown: earlierTryUnanswered || !notCarriedOut);
            }

            throw new ProvisioningRejectedException($"{(int)response.StatusCode} {code}".TrimEnd());
        }
    }

    /// <summary>The stand-ins' API (tools/NetworkSim, tools/SmdpSim): Dialtone's own, documented in their READMEs.</summary>
    private static (HttpMethod Method, string Path, object? Body) Route(ProvisioningCall call)
    {
        var input = call.Input;
        string Segment(string key) => Uri.EscapeDataString(input[key]);
        return call.Operation switch
        {
            PortIn => (HttpMethod.Put, $"port-ins/{Segment("subscription")}", new { msisdn = input["msisdn"], donorOperator = input["donorOperator"] }),
            CancelPortIn => (HttpMethod.Delete, $"port-ins/{Segment("subscription")}", null),
            CreateSubscriber => (HttpMethod.Put, $"subscribers/{Segment("subscription")}", new { imsi = input["imsi"], msisdn = input["msisdn"], paymentMode = input["paymentMode"] }),
            DeleteSubscriber => (HttpMethod.Delete, $"subscribers/{Segment("subscription")}", null),
            UpdateSubscriber => (HttpMethod.Patch, $"subscribers/{Segment("subscription")}", new { paymentMode = input["paymentMode"] }),
            SuspendSubscriber => (HttpMethod.Put, $"subscribers/{Segment("subscription")}/barring", new { reason = input["reason"] }),
            ResumeSubscriber => (HttpMethod.Delete, $"subscribers/{Segment("subscription")}/barring", null),
            ActivateService => (HttpMethod.Put, $"subscribers/{Segment("subscription")}/services/{Segment("productId")}", new { service = input["service"] }),
            DeactivateService => (HttpMethod.Delete, $"subscribers/{Segment("subscription")}/services/{Segment("productId")}", null),
            CreateFibreAccess => (HttpMethod.Put, $"fibre-accesses/{Segment("productId")}", new { offering = input["offering"] }),
            DeleteFibreAccess => (HttpMethod.Delete, $"fibre-accesses/{Segment("productId")}", null),
            PrepareProfile => (HttpMethod.Put, $"profiles/{Segment("profile")}", new { iccid = input["iccid"], imsi = input["imsi"] }),
            DeleteProfile => (HttpMethod.Delete, $"profiles/{Segment("profile")}", null),
            _ => throw new ProvisioningRejectedException($"unknown operation {call.Operation}"),
        };
    }

    private static async Task<IReadOnlyDictionary<string, string>> OutputAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var output = new Dictionary<string, string>(StringComparer.Ordinal);
        if (response.Content.Headers.ContentLength is 0 || response.StatusCode == HttpStatusCode.NoContent)
        {
            return output;
        }

        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                output[property.Name] = property.Value.GetString()!;
            }
        }

        return output;
    }

    /// <summary>The error code of a refusal (<c>{"code": "..."}</c>), never its message: a message may quote an identifier.</summary>
    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString()! : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
