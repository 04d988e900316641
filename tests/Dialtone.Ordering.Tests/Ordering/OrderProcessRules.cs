using Dialtone.Ordering.Domain;

namespace Dialtone.Ordering.Tests.Ordering;

/// <summary>
/// The fulfilment process's rules where the handler and the cancel endpoint meet: whichever commits first wins, and a
/// cancellation is never overwritten by a completion or a failure read from an older copy of the process.
/// </summary>
public sealed class OrderProcessRules
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static OrderProcess Provisioning(params ProcessStep[] steps)
    {
        var process = OrderProcess.Start("order-1", "user:u1", "party-1", awaitingIdentity: false, steps, [], Now);
        process.Begin(Now);
        return process;
    }

    private static ProcessStep Step(string operation, string? undo) => new() { Id = "1/" + operation, ItemId = "1", System = "network", Operation = operation, Undo = undo };

    [Fact]
    public void ACancellationCommittedFirstIsNotTurnedIntoACompletion()
    {
        var process = Provisioning(Step("createSubscriber", "deleteSubscriber"));
        process.StepDone("1/createSubscriber", new Dictionary<string, string>(), Now);
        Assert.IsType<ProcessMove.Complete>(process.NextMove(Now));

        process.RequestCancellation("cancel-1", Now);
        Assert.False(process.BeginCompletion(Now));
        Assert.Equal(ProcessStage.Cancelling, process.Stage);
        Assert.IsType<ProcessMove.Undo>(process.NextMove(Now));
    }

    [Fact]
    public void AFailureDuringACancellationEndsAsTheCancellation()
    {
        var process = Provisioning(Step("createSubscriber", "deleteSubscriber"));
        process.RequestCancellation("cancel-1", Now);
        process.Fail("refused", Now);
        Assert.Equal(ProcessStage.Cancelling, process.Stage);
        Assert.IsType<ProcessMove.FinishCancellation>(process.NextMove(Now));
    }

    [Fact]
    public void AWaitingProcessMakesNoMoveUntilItsRetryIsDueButACancellationEndsTheWait()
    {
        var process = Provisioning(Step("createSubscriber", "deleteSubscriber"));
        Assert.True(process.StepFailedForNow("1/createSubscriber", "down", outcomeUnknown: false, 5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), Now, Now));
        Assert.Equal(Now.AddMinutes(1), process.NextAttemptAt);
        Assert.IsType<ProcessMove.Stop>(process.NextMove(Now));

        process.RequestCancellation("cancel-1", Now);
        Assert.IsType<ProcessMove.FinishCancellation>(process.NextMove(Now)); // refused connections did nothing: nothing to undo
        Assert.False(process.PastPointOfNoReturn);
    }

    [Fact]
    public void AnUnansweredStepCountsAsPastThePointOfNoReturnAndIsUndone()
    {
        var process = Provisioning(Step("createSubscriber", "deleteSubscriber"));
        process.StepFailedForNow("1/createSubscriber", "timeout", outcomeUnknown: true, 5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), Now, Now);
        process.RequestCancellation("cancel-1", Now);
        Assert.True(process.PastPointOfNoReturn);
        Assert.Equal("1/createSubscriber", Assert.IsType<ProcessMove.Undo>(process.NextMove(Now)).Step.Id);
    }

    [Fact]
    public void PassingThePointOfNoReturnEndsTheRightToCancel()
    {
        var process = Provisioning(Step("deleteSubscriber", "createSubscriber"), Step("deleteProfile", undo: null));
        process.StepDone("1/deleteSubscriber", new Dictionary<string, string>(), Now);
        Assert.True(process.MayBeCancelled);
        Assert.True(process.PassPointOfNoReturn(Now));
        Assert.False(process.MayBeCancelled);

        var cancelledFirst = Provisioning(Step("deleteProfile", undo: null));
        cancelledFirst.RequestCancellation("cancel-1", Now);
        Assert.False(cancelledFirst.PassPointOfNoReturn(Now));
    }

    [Fact]
    public void OnlyAnOrderStillWaitingForTheIdentityCheckWaitsTooLong()
    {
        var timeout = TimeSpan.FromDays(30);
        var waiting = OrderProcess.Start("order-1", "user:u1", "party-1", awaitingIdentity: true, [Step("createSubscriber", "deleteSubscriber")], [], Now);
        Assert.False(waiting.WaitedTooLongForIdentity(timeout, Now + timeout - TimeSpan.FromSeconds(1)));
        Assert.True(waiting.WaitedTooLongForIdentity(timeout, Now + timeout));

        waiting.Fail("the customer's identity was not checked", Now + timeout);
        Assert.False(waiting.WaitedTooLongForIdentity(timeout, Now + (timeout * 2)));
        Assert.IsType<ProcessMove.FinishFailure>(waiting.NextMove(Now + timeout)); // nothing was done: it fails at once

        var checkedInTime = OrderProcess.Start("order-2", "user:u1", "party-1", awaitingIdentity: true, [], [], Now);
        checkedInTime.Begin(Now + TimeSpan.FromDays(1));
        Assert.False(checkedInTime.WaitedTooLongForIdentity(timeout, Now + (timeout * 2)));
    }
}
