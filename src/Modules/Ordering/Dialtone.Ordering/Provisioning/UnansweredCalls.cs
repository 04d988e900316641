using System.Collections.Concurrent;
using System.Net;

namespace Dialtone.Ordering.Provisioning;

/// <summary>
/// The calls (by idempotency key) of which some try went unanswered in a way that may have left it carried out: a
/// timeout, a connection lost mid-way, a 500/502/504. The resilience pipeline retries such tries itself, so by the
/// time it gives up the last try may say "refused connection" while an earlier one may have acted; this keeps the
/// earlier news for <see cref="HttpProvisioningSystems"/>.
/// </summary>
internal sealed class UnansweredCalls
{
    private readonly ConcurrentDictionary<string, byte> keys = new(StringComparer.Ordinal);

    public void Mark(string key) => keys[key] = 0;

    /// <summary>Whether a try of the call went unanswered; forgets the call.</summary>
    public bool Take(string key) => keys.TryRemove(key, out _);
}

/// <summary>Sits inside the resilience pipeline (it sees every try) and marks the tries that may have acted.</summary>
internal sealed class UnansweredCallRecorder(UnansweredCalls calls) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.Headers.TryGetValues("Idempotency-Key", out var values) ? values.FirstOrDefault() : null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (key is not null && response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)
            {
                calls.Mark(key);
            }

            return response;
        }
        catch (HttpRequestException e) when (key is not null && e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError))
        {
            calls.Mark(key);
            throw;
        }
        catch (OperationCanceledException) when (key is not null)
        {
            calls.Mark(key); // a try's timeout: the request may have arrived
            throw;
        }
    }
}
