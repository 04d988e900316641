using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Dialtone.Legacy.Adapter;

/// <summary>
/// The legacy adapter's HTTP client: a total timeout, retries with exponential backoff and jitter for what may work
/// a moment later (no answer, a timeout, a <c>soap:Server</c> fault), a circuit breaker counting only failures of legacy
/// as a whole (no answer, a timeout, a 5xx without a SOAP fault, <c>E9001</c>; not <c>E1042 RECORD_LOCKED</c>, which is
/// about one record), and a timeout per try; every interval comes from <c>Dialtone:Legacy:Adapter</c>. A <c>soap:Client</c> fault (a version
/// conflict, an unknown record) is an answer, not a failure: it neither retries nor opens the circuit.
/// </summary>
internal static class LegacyResilience
{
    public const string ClientName = "legacy-customer-service";

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<LegacyCircuit>();
        var http = services.AddHttpClient<LegacyCustomerService>(ClientName, (provider, client) =>
            {
                client.BaseAddress = new Uri(provider.GetRequiredService<IOptions<LegacyOptions>>().Value.BaseUrl);
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // Request logging would put legacy ids in URLs and bodies in logs; the adapter logs what it did itself.
            .RemoveAllLoggers();
        http.AddResilienceHandler(ClientName, (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<IOptions<LegacyOptions>>().Value.Adapter;
            var circuit = context.ServiceProvider.GetRequiredService<LegacyCircuit>();
            pipeline.TimeProvider = TimeProvider.System;
            pipeline
                .AddTimeout(settings.TotalTimeout)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = settings.Retries,
                    Delay = settings.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => LegacyCustomerService.IsTransientAsync(args.Outcome.Result, args.Outcome.Exception),
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = settings.BreakFailureRatio,
                    MinimumThroughput = settings.BreakAfterFailures,
                    SamplingDuration = settings.BreakSamplingDuration,
                    BreakDuration = settings.BreakDuration,
                    ShouldHandle = args => LegacyCustomerService.IsCircuitFailureAsync(args.Outcome.Result, args.Outcome.Exception),
                    OnOpened = _ => circuit.Set(LegacyCircuitState.Open),
                    OnHalfOpened = _ => circuit.Set(LegacyCircuitState.HalfOpen),
                    OnClosed = _ => circuit.Set(LegacyCircuitState.Closed),
                })
                .AddTimeout(settings.AttemptTimeout);
        });
    }
}

/// <summary>The circuit breaker's state, as a metric and on the propagation status.</summary>
internal enum LegacyCircuitState
{
    Closed = 0,
    Open = 1,
    HalfOpen = 2,
}

/// <summary>Where the legacy client's circuit breaker says how it is (one circuit per node).</summary>
internal sealed class LegacyCircuit
{
    private int state;

    public LegacyCircuitState State => (LegacyCircuitState)Volatile.Read(ref state);

    public ValueTask Set(LegacyCircuitState value)
    {
        Volatile.Write(ref state, (int)value);
        return ValueTask.CompletedTask;
    }
}
