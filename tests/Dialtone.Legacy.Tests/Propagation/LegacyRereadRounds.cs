using Dialtone.Legacy.Adapter;
using Dialtone.Legacy.Features.Propagation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>
/// The one re-read rule both deliveries (contact and plan) follow (ADR 0017): a version conflict reads the record again
/// and re-plans, at most five rounds an attempt; a record erased meanwhile ends the delivery; writes made before a
/// conflict are counted.
/// </summary>
public sealed class LegacyRereadRounds
{
    private static readonly LegacyChange Change = new() { Id = "change-1", PartyId = "party-1", Kind = LegacyChangeKinds.Contact };

    private static LegacyFaultException Fault(string code, long? current = null) => new("UpdateContact", code, code, retryable: false, current);

    [Fact]
    public async Task AConflictReadsTheRecordAgainWithItsNewVersionAndCountsEveryWrite()
    {
        var expected = new List<long>();
        var rounds = 0;
        var writes = await LegacyRereads.RunAsync(round =>
        {
            rounds++;
            round.Version = rounds * 10;
            expected.Add(round.Version);
            round.Wrote(round.Version + 1);
            if (rounds == 1)
            {
                throw Fault(LegacyFaultException.VersionConflict, 20);
            }

            round.Wrote(round.Version + 1);
            return Task.CompletedTask;
        }, Change, "C1", NullLogger.Instance);

        Assert.Equal(2, rounds);
        Assert.Equal([10L, 20L], expected);
        Assert.Equal(3, writes);
    }

    [Fact]
    public async Task AfterFiveConflictingRoundsTheAttemptFailsWithARetryableVersionConflict()
    {
        var rounds = 0;
        var failure = await Assert.ThrowsAsync<LegacyFaultException>(() => LegacyRereads.RunAsync(_ =>
        {
            rounds++;
            throw Fault(LegacyFaultException.VersionConflict);
        }, Change, "C1", NullLogger.Instance));

        Assert.Equal(LegacyRereads.MaxRounds, rounds);
        Assert.Equal(LegacyFaultException.VersionConflict, failure.Code);
        Assert.True(failure.Retryable);
    }

    [Fact]
    public async Task ARecordErasedInLegacyMeanwhileEndsTheDeliveryWithTheWritesMadeSoFar()
    {
        var rounds = 0;
        var writes = await LegacyRereads.RunAsync(round =>
        {
            rounds++;
            round.Wrote(7);
            throw Fault(LegacyFaultException.RecordErased);
        }, Change, "C1", NullLogger.Instance);

        Assert.Equal(1, rounds);
        Assert.Equal(1, writes);
    }

    [Fact]
    public async Task AnyOtherRefusalIsNotRetriedHere()
    {
        var rounds = 0;
        var failure = await Assert.ThrowsAsync<LegacyFaultException>(() => LegacyRereads.RunAsync(_ =>
        {
            rounds++;
            throw Fault(LegacyFaultException.RecordNotFound);
        }, Change, "C1", NullLogger.Instance));

        Assert.Equal(1, rounds);
        Assert.Equal(LegacyFaultException.RecordNotFound, failure.Code);
    }
}
