using System.Collections.Concurrent;
using Dialtone.Ordering.Provisioning;

namespace Dialtone.Ordering.Tests;

/// <summary>
/// The network and the SM-DP+ as an in-test double (the real stand-ins in tools/ are separate processes): it keeps the
/// subscriber records and profiles that calls create, answers a repeated idempotency key as the first time, and has
/// switches for an outage, a refusal and a gate that holds an operation until the test releases it.
/// </summary>
internal sealed class ProvisioningDouble : IProvisioningSystems
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> answers = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> gates = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> reached = new();

    public ConcurrentQueue<ProvisioningCall> Calls { get; } = new();

    /// <summary>Subscriber records by IMSI: their state on the network (<c>active</c>, <c>suspended</c>; deleted ones are removed).</summary>
    public ConcurrentDictionary<string, string> Subscribers { get; } = new();

    /// <summary>eSIM profiles by ICCID.</summary>
    public ConcurrentDictionary<string, string> Profiles { get; } = new();

    /// <summary>Services (add-ons) activated on lines, as "imsi/service".</summary>
    public ConcurrentDictionary<string, bool> Services { get; } = new();

    public bool NetworkDown { get; set; }

    public bool SmdpDown { get; set; }

    public string? RefuseOperation { get; set; }

    /// <summary>An operation the system carries out but whose answer is lost on the way back (a timeout after the fact).</summary>
    public string? LoseAnswerOf { get; set; }

    /// <summary>Holds every call of <paramref name="operation"/> until <see cref="Release"/>.</summary>
    public void Hold(string operation) => gates[operation] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string operation)
    {
        if (gates.TryRemove(operation, out var gate))
        {
            gate.TrySetResult();
        }
    }

    /// <summary>Completes when a call of <paramref name="operation"/> has arrived (held or not).</summary>
    public Task Reached(string operation) => reached.GetOrAdd(operation, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public int Count(string operation) => Calls.Count(c => c.Operation == operation);

    public async Task<IReadOnlyDictionary<string, string>> ExecuteAsync(ProvisioningCall call, CancellationToken cancellationToken)
    {
        Calls.Enqueue(call);
        reached.GetOrAdd(call.Operation, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (gates.TryGetValue(call.Operation, out var gate))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (call.System == ProvisioningOperations.Network ? NetworkDown : SmdpDown)
        {
            throw new ProvisioningUnavailableException($"the {call.System} does not answer");
        }

        if (RefuseOperation == call.Operation)
        {
            throw new ProvisioningRejectedException($"{call.Operation} refused (test switch)");
        }

        var answer = answers.GetOrAdd(call.IdempotencyKey, _ => Apply(call));
        if (LoseAnswerOf == call.Operation)
        {
            throw new ProvisioningUnavailableException($"the {call.System} did not answer in time", outcomeUnknown: true);
        }

        return answer;
    }

    private Dictionary<string, string> Apply(ProvisioningCall call)
    {
        var input = call.Input;
        switch (call.Operation)
        {
            case ProvisioningOperations.CreateSubscriber:
                Subscribers[input["imsi"]] = "active";
                return new Dictionary<string, string> { ["subscriberId"] = "sub-" + input["imsi"] };
            case ProvisioningOperations.DeleteSubscriber:
                Subscribers.TryRemove(input["imsi"], out _);
                break;
            case ProvisioningOperations.SuspendSubscriber:
                Subscribers[input["imsi"]] = "suspended";
                break;
            case ProvisioningOperations.ResumeSubscriber:
            case ProvisioningOperations.UpdateSubscriber:
                Subscribers[input["imsi"]] = "active";
                break;
            case ProvisioningOperations.ActivateService:
                Services[$"{input["imsi"]}/{input["service"]}"] = true;
                break;
            case ProvisioningOperations.DeactivateService:
                Services.TryRemove($"{input["imsi"]}/{input["service"]}", out _);
                break;
            case ProvisioningOperations.PrepareProfile:
                Profiles[input["iccid"]] = "prepared";
                return new Dictionary<string, string> { ["matchingId"] = Guid.NewGuid().ToString("N")[..20].ToUpperInvariant(), ["smdpAddress"] = "smdp.test" };
            case ProvisioningOperations.DeleteProfile:
                Profiles.TryRemove(input["iccid"], out _);
                break;
        }

        return new Dictionary<string, string>();
    }
}
