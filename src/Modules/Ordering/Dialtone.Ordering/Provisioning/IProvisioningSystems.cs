namespace Dialtone.Ordering.Provisioning;

/// <summary>
/// The systems an order is provisioned on: the network (<c>network</c>: subscriber records like a UDM's, data
/// add-ons, fibre accesses) and the eSIM platform (<c>smdp</c>: an SM-DP+ preparing profiles). Every call carries an
/// idempotency key, so a call repeated after a crash or a lost answer acts once and answers as the first did.
/// </summary>
internal interface IProvisioningSystems
{
    /// <summary>
    /// Carries out one operation and returns what the system answered (ids, codes). Throws
    /// <see cref="ProvisioningUnavailableException"/> when the system could not be reached or answered with a passing
    /// error (try again later) and <see cref="ProvisioningRejectedException"/> when it refused the operation (trying
    /// again will not help).
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> ExecuteAsync(ProvisioningCall call, CancellationToken cancellationToken);
}

/// <summary>One operation on one system.</summary>
internal sealed record ProvisioningCall(string System, string Operation, string IdempotencyKey, IReadOnlyDictionary<string, string> Input);

/// <summary>
/// The system is down, slow or answered with a passing error: the order waits and tries again. When the call may have
/// reached the system and been carried out without the answer coming back (a timeout, a connection lost mid-way, a
/// gateway error), <see cref="OutcomeUnknown"/> says so: an order that is then cancelled or fails undoes the call too.
/// </summary>
internal sealed class ProvisioningUnavailableException(string message, bool outcomeUnknown = false) : Exception(message)
{
    public bool OutcomeUnknown => outcomeUnknown;
}

/// <summary>The system refused the operation for good: the order fails (and what was done is undone).</summary>
internal sealed class ProvisioningRejectedException(string message) : Exception(message);

/// <summary>The operations Dialtone asks of the provisioning systems.</summary>
internal static class ProvisioningOperations
{
    public const string Network = "network";
    public const string Smdp = "smdp";

    public const string PortIn = "portIn";
    public const string CancelPortIn = "cancelPortIn";
    public const string CreateSubscriber = "createSubscriber";
    public const string DeleteSubscriber = "deleteSubscriber";
    public const string UpdateSubscriber = "updateSubscriber";
    public const string SuspendSubscriber = "suspendSubscriber";
    public const string ResumeSubscriber = "resumeSubscriber";
    public const string ActivateService = "activateService";
    public const string DeactivateService = "deactivateService";
    public const string CreateFibreAccess = "createFibreAccess";
    public const string DeleteFibreAccess = "deleteFibreAccess";
    public const string PrepareProfile = "prepareProfile";
    public const string DeleteProfile = "deleteProfile";
}
