using Dialtone.Ordering.Provisioning;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// Inside the adapter's resilience pipeline every try is watched: a try that may have reached the provisioning system
/// without its answer coming back marks the call, so an order that later gives up undoes it even if the last try was
/// refused outright.
/// </summary>
public sealed class UnansweredTries
{
    public static TheoryData<string, bool> Tries => new()
    {
        { "timeout", true },
        { "connection lost", true },
        { "500", true },
        { "502", true },
        { "504", true },
        { "refused", false },
        { "503", false },
        { "201", false },
    };

    [Theory]
    [MemberData(nameof(Tries))]
    public async Task ATryThatMayHaveActedMarksItsCall(string outcome, bool mayHaveActed)
    {
        var calls = new UnansweredCalls();
        using var invoker = new HttpMessageInvoker(new UnansweredCallRecorder(calls) { InnerHandler = new Answer(outcome) });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://network.test/subscribers/p1");
        request.Headers.Add("Idempotency-Key", "order-1/1/createSubscriber");
        try
        {
            using var response = await invoker.SendAsync(request, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
        }

        Assert.Equal(mayHaveActed, calls.Take("order-1/1/createSubscriber"));
        Assert.False(calls.Take("order-1/1/createSubscriber")); // taken once
    }

    private sealed class Answer(string outcome) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => outcome switch
        {
            "timeout" => throw new TaskCanceledException("the try timed out"),
            "connection lost" => throw new HttpRequestException(HttpRequestError.ResponseEnded, "the connection ended mid-answer"),
            "refused" => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"),
            _ => Task.FromResult(new HttpResponseMessage((HttpStatusCode)int.Parse(outcome, System.Globalization.CultureInfo.InvariantCulture))),
        };
    }
}
