using System.Text.Json;
using System.Text.Json.Serialization;
using Dialtone.Inventory.Contracts;

namespace Dialtone.Ordering.Domain;

/// <summary>
/// The durable fulfilment of one product order: its provisioning steps with their results, whether cancellation was
/// asked for, and what inventory will show when it completes. Each move is committed on its own (with the outbox
/// messages it causes) before the next network call, so a crash at any moment resumes from the last committed step;
/// the network calls themselves carry an idempotency key per step, so a step repeated after a crash acts once.
/// </summary>
internal sealed class OrderProcess
{
    private ProcessState? state;

    private OrderProcess()
    {
    }

    public string OrderId { get; private set; } = "";

    /// <summary>Where the process is: see <see cref="ProcessStage"/>.</summary>
    public string Stage { get; private set; } = ProcessStage.Accepted;

    /// <summary>Who placed the order (owner key), which inventory records as the products' creator.</summary>
    public string CreatedBy { get; private set; } = "";

    /// <summary>The customer's party (an id, not personal data): whose identity check an order may wait for.</summary>
    public string PartyId { get; private set; } = "";

    /// <summary>The <c>cancelProductOrder</c> asking to cancel, while it is being carried out.</summary>
    public string? CancelId { get; private set; }

    /// <summary>
    /// While the order waits for a system to come back: when the next try is due (wall clock), or null. The deadline poller
    /// (<c>Features/Fulfilment/OrderDeadlines</c>) wakes the order then; until then the order makes no move.
    /// </summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The order's <c>requestedStartDate</c> when it lies ahead (a plan change at the next bill cycle): the order is <c>held</c> until then (application clock).</summary>
    public DateTimeOffset? HeldUntil { get; private set; }

    /// <summary>Bumped on every change: the process is written by the fulfilment handler and the cancel endpoint, never over each other.</summary>
    public long Version { get; private set; }

    /// <summary>The steps and planned inventory changes, as encrypted JSON.</summary>
    public string State
    {
        get => JsonSerializer.Serialize(state ?? new ProcessState(), Json);
        private set => state = JsonSerializer.Deserialize<ProcessState>(value, Json);
    }

    public IReadOnlyList<ProcessStep> Steps => Current.Steps;

    public IReadOnlyList<InventoryChange> Changes => Current.Changes;

    public string? FailureReason => Current.FailureReason;

    /// <summary>The TMF641 service order the order is decomposed into, or null when no item acts on a service.</summary>
    public string? ServiceOrderId => Current.ServiceOrderId;

    /// <summary>The point of no return: once a network step succeeded (or may have: it timed out), cancelling means undoing it.</summary>
    public bool PastPointOfNoReturn => Current.Steps.Any(s => s.Status is StepStatus.Done or StepStatus.Compensated || s.MayHaveActed);

    /// <summary>Whether a step that cannot be undone (deleting an eSIM profile) has been started: from then on the order cannot be cancelled.</summary>
    public bool Irreversible => Current.Irreversible;

    /// <summary>The order failed past its point of no return: what was done stays (and so do its reserved numbers) for an operator.</summary>
    public bool FailedWithoutUndoing => Current.NothingToUndo;

    private ProcessState Current => state ??= new ProcessState();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static OrderProcess Start(string orderId, string createdBy, string partyId, bool awaitingIdentity, IEnumerable<ProcessStep> steps, IEnumerable<InventoryChange> changes, DateTimeOffset now,
        DateTimeOffset? heldUntil = null) => new()
    {
        OrderId = orderId,
        CreatedBy = createdBy,
        PartyId = partyId,
        Stage = awaitingIdentity ? ProcessStage.AwaitingIdentity : heldUntil > now ? ProcessStage.Held : ProcessStage.Accepted,
        HeldUntil = heldUntil > now ? heldUntil : null,
        UpdatedAt = now,
        state = new ProcessState { Steps = [.. steps], Changes = [.. changes] },
    };

    /// <summary>
    /// The process of a migration order (docs/decisions/0016-migration-orders.md): a line that already lives on the
    /// network has nothing to provision, so it starts <c>completing</c> and its batch completes it; no fulfilment
    /// message ever moves it.
    /// </summary>
    public static OrderProcess StartMigration(string orderId, string createdBy, string partyId, IEnumerable<InventoryChange> changes, DateTimeOffset now) => new()
    {
        OrderId = orderId,
        CreatedBy = createdBy,
        PartyId = partyId,
        Stage = ProcessStage.Completing,
        UpdatedAt = now,
        state = new ProcessState { Changes = [.. changes] },
    };

    /// <summary>What the fulfilment handler should do next.</summary>
    public ProcessMove NextMove(DateTimeOffset now)
    {
        switch (Stage)
        {
            case ProcessStage.Accepted:
                return new ProcessMove.Begin();
            case ProcessStage.Completed or ProcessStage.Failed or ProcessStage.Cancelled or ProcessStage.AwaitingIdentity or ProcessStage.Held:
                return new ProcessMove.Stop();
            case ProcessStage.Completing:
                return new ProcessMove.Complete();
        }

        if (NextAttemptAt is not null)
        {
            return new ProcessMove.Stop(); // waiting for a system to come back: the deadline poller moves it on
        }

        if (Stage == ProcessStage.Failing && Current.NothingToUndo)
        {
            return new ProcessMove.FinishFailure();
        }

        if (Stage is ProcessStage.Cancelling or ProcessStage.Failing)
        {
            // A step that timed out may have acted on the network: it is undone too (undoing what was not done is harmless).
            var undo = Current.Steps.LastOrDefault(s => (s.Status == StepStatus.Done || s.MayHaveActed) && s.Undo is not null);
            if (undo is not null)
            {
                return new ProcessMove.Undo(undo);
            }

            return Stage == ProcessStage.Cancelling ? new ProcessMove.FinishCancellation() : new ProcessMove.FinishFailure();
        }

        var next = Current.Steps.FirstOrDefault(s => s.Status == StepStatus.Pending);
        return next is null ? new ProcessMove.Complete() : new ProcessMove.Execute(next);
    }

    public void Begin(DateTimeOffset now) => Move(ProcessStage.Provisioning, now);

    /// <summary>The customer's identity is checked: the order starts, or is held until its requested start.</summary>
    public void IdentityChecked(DateTimeOffset now)
    {
        if (HeldUntil > now)
        {
            Move(ProcessStage.Held, now);
            return;
        }

        Begin(now);
    }

    /// <summary>The requested start has come: a held order starts (straight to provisioning: TMF622 goes held → inProgress). False when it is no longer held.</summary>
    public bool ReleaseHold(DateTimeOffset now)
    {
        if (Stage != ProcessStage.Held)
        {
            return false;
        }

        HeldUntil = null;
        Begin(now);
        return true;
    }

    public void AttachServiceOrder(string serviceOrderId) => Current.ServiceOrderId = serviceOrderId;

    public void StepDone(string stepId, IReadOnlyDictionary<string, string> output, DateTimeOffset now)
    {
        var step = Step(stepId);
        step.Status = StepStatus.Done;
        step.Output = new Dictionary<string, string>(output);
        step.LastError = null;
        NextAttemptAt = null;
        Touch(now);
    }

    public void StepUndone(string stepId, DateTimeOffset now)
    {
        Step(stepId).Status = StepStatus.Compensated;
        NextAttemptAt = null;
        Touch(now);
    }

    /// <summary>
    /// A try failed for a reason that may pass (network down, timeout): the order waits (doubling from
    /// <paramref name="firstDelay"/> up to <paramref name="maxDelay"/>, from <paramref name="wallNow"/>); false when the
    /// budget of tries is spent.
    /// </summary>
    public bool StepFailedForNow(string stepId, string error, bool outcomeUnknown, int maxAttempts, TimeSpan firstDelay, TimeSpan maxDelay, DateTimeOffset now, DateTimeOffset wallNow)
    {
        var step = TryFailed(stepId, error, outcomeUnknown, now);
        if (step.Attempts >= maxAttempts)
        {
            return false;
        }

        var factor = 1L << Math.Min(step.Attempts - 1, 30);
        NextAttemptAt = wallNow + (firstDelay.Ticks > maxDelay.Ticks / factor ? maxDelay : TimeSpan.FromTicks(firstDelay.Ticks * factor)); // no overflow
        return true;
    }

    /// <summary>Records a try that did not succeed (and whether it may have acted), without waiting: the order is being cancelled.</summary>
    public ProcessStep TryFailed(string stepId, string error, bool outcomeUnknown, DateTimeOffset now)
    {
        var step = Step(stepId);
        step.Attempts++;
        step.LastError = error;
        step.OutcomeUnknown |= outcomeUnknown;
        Touch(now);
        return step;
    }

    /// <summary>The wait is over: the next move tries again.</summary>
    public void RetryDue(DateTimeOffset now)
    {
        NextAttemptAt = null;
        Touch(now);
    }

    /// <summary>
    /// The order cannot be fulfilled: undo what was done, then fail with <paramref name="reason"/>. An order already
    /// being cancelled stays so (the same undoing, and the customer's cancellation is what they asked for).
    /// </summary>
    public void Fail(string reason, DateTimeOffset now)
    {
        Current.FailureReason = reason;
        NextAttemptAt = null;
        Move(Stage == ProcessStage.Cancelling ? ProcessStage.Cancelling : ProcessStage.Failing, now);
    }

    /// <summary>
    /// Past the point of no return only steps that cannot be undone are left (they are planned last): a down system is
    /// waited for without limit, and a refusal is not rolled back (that would undo the half that can be undone and leave a
    /// line without its eSIM) but ends the order <c>failed</c> with the reason, for an operator to finish by hand.
    /// </summary>
    public void FailWithoutUndoing(string reason, DateTimeOffset now)
    {
        Current.FailureReason = reason;
        Current.NothingToUndo = true;
        NextAttemptAt = null;
        Move(ProcessStage.Failing, now);
    }

    /// <summary>Before a step that cannot be undone: from here on the order cannot be cancelled. False when it is being cancelled or has failed meanwhile.</summary>
    public bool PassPointOfNoReturn(DateTimeOffset now)
    {
        if (Stage != ProcessStage.Provisioning)
        {
            return false;
        }

        Current.Irreversible = true;
        Touch(now);
        return true;
    }

    public void RequestCancellation(string cancelId, DateTimeOffset now)
    {
        CancelId = cancelId;
        NextAttemptAt = null;
        Move(ProcessStage.Cancelling, now);
    }

    /// <summary>
    /// Whether the order has waited <paramref name="timeout"/> or longer for the customer's identity check: nothing
    /// changes a waiting process but leaving the wait, so it has waited since it was last updated.
    /// </summary>
    public bool WaitedTooLongForIdentity(TimeSpan timeout, DateTimeOffset now) => Stage == ProcessStage.AwaitingIdentity && now - UpdatedAt >= timeout;

    public bool MayBeCancelled => Stage is (ProcessStage.Accepted or ProcessStage.AwaitingIdentity or ProcessStage.Held or ProcessStage.Provisioning) && !Current.Irreversible;

    /// <summary>Every step is done: inventory is about to change and the order can no longer be cancelled. False when a cancellation or failure came first.</summary>
    public bool BeginCompletion(DateTimeOffset now)
    {
        if (Stage != ProcessStage.Provisioning)
        {
            return Stage == ProcessStage.Completing;
        }

        Move(ProcessStage.Completing, now);
        return true;
    }

    public void End(string stage, DateTimeOffset now) => Move(stage, now);

    /// <summary>
    /// GDPR erasure of a finished order: what its steps were called with and answered (MSISDNs, IMSIs, ICCIDs, matching
    /// ids) and the inventory changes it planned are dropped; the steps' names and states stay as the record.
    /// </summary>
    public void ForgetIdentifiers(DateTimeOffset now)
    {
        foreach (var step in Current.Steps)
        {
            step.Input = [];
            step.Output = null;
            step.UndoInput = null;
        }

        Current.Changes = [];
        Touch(now);
    }

    /// <summary>The output of the step of <paramref name="itemId"/> with <paramref name="operation"/>, or null.</summary>
    public string? Output(string itemId, string operation, string key) =>
        Current.Steps.FirstOrDefault(s => s.ItemId == itemId && s.Operation == operation)?.Output?.GetValueOrDefault(key);

    private ProcessStep Step(string stepId) => Current.Steps.First(s => s.Id == stepId);

    private void Move(string stage, DateTimeOffset now)
    {
        Stage = stage;
        Touch(now);
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    private sealed class ProcessState
    {
        public List<ProcessStep> Steps { get; set; } = [];

        public List<InventoryChange> Changes { get; set; } = [];

        public string? FailureReason { get; set; }

        public bool Irreversible { get; set; }

        public bool NothingToUndo { get; set; }

        public string? ServiceOrderId { get; set; }
    }
}

/// <summary>The stages of an order's fulfilment.</summary>
internal static class ProcessStage
{
    public const string Accepted = "accepted";
    public const string AwaitingIdentity = "awaitingIdentity";
    public const string Held = "held";
    public const string Provisioning = "provisioning";
    public const string Cancelling = "cancelling";
    public const string Failing = "failing";
    public const string Completing = "completing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>One call to a provisioning system (the network or the SM-DP+), with the call that undoes it.</summary>
internal sealed class ProcessStep
{
    public string Id { get; set; } = "";

    public string ItemId { get; set; } = "";

    /// <summary><c>network</c> or <c>smdp</c>.</summary>
    public string System { get; set; } = "";

    public string Operation { get; set; } = "";

    public Dictionary<string, string> Input { get; set; } = [];

    /// <summary>The operation that undoes this one, or null when nothing can or needs to be undone.</summary>
    public string? Undo { get; set; }

    /// <summary>The input of <see cref="Undo"/> when it differs from <see cref="Input"/> (a plan change is undone with the old plan).</summary>
    public Dictionary<string, string>? UndoInput { get; set; }

    public string Status { get; set; } = StepStatus.Pending;

    public Dictionary<string, string>? Output { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>A try went unanswered (a timeout, a dropped connection): the system may have carried it out.</summary>
    public bool OutcomeUnknown { get; set; }

    /// <summary>Not known to be done, but a try may have been carried out: undone like a done step.</summary>
    [JsonIgnore]
    public bool MayHaveActed => Status == StepStatus.Pending && OutcomeUnknown;
}

internal static class StepStatus
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Compensated = "compensated";
}

/// <summary>What the fulfilment handler does next.</summary>
internal abstract record ProcessMove
{
    public sealed record Begin : ProcessMove;

    public sealed record Execute(ProcessStep Step) : ProcessMove;

    public sealed record Undo(ProcessStep Step) : ProcessMove;

    public sealed record Complete : ProcessMove;

    public sealed record FinishCancellation : ProcessMove;

    public sealed record FinishFailure : ProcessMove;

    public sealed record Stop : ProcessMove;
}
