using Dialtone.Charging.Rating;
using Microsoft.Extensions.Logging;

namespace Dialtone.Charging.Grains;

/// <summary>
/// A line in a shared pool (ADR 0013). The engine stays pure and the pool is its own grain, so a request is rated in two
/// passes: a dry run on a copy of the state finds what the pool must be asked (the part of each report and each request
/// the line's own add-on and plan allowances do not cover, under the account's own reservation ids), the pool is asked,
/// and the real pass rates with its answers: own allowances, then what the pool paid or granted, then money. What the
/// pool is asked depends only on the line's own buckets, never on the pool's answers, so both passes ask the same. A
/// failure before the account's write is retried by the consumer under the same sequence number: the reloaded state asks
/// the pool the same ids again, and the pool answers as it first did.
/// </summary>
internal sealed partial class ChargingAccountGrain
{
    private PoolPass? poolPass;

    // The dry run rates a copy of the state: what rating records (usage records, threshold notices) goes to the copy's
    // outbox and is dropped with it, so only the real pass records anything (FamilyPools checks the usage records).

    private (ChargingAnswer Answer, bool Changed) Run(ChargingCall call, DateTimeOffset now) =>
        call.Operation == ChargingOperation.Create ? Create(call, now) : Continue(call, now);

    private async Task<(ChargingAnswer Answer, bool Changed)> RunWithPoolAsync(ChargingCall call, DateTimeOffset now)
    {
        var pass = new PoolPass();
        var (kept, keptWallet) = (state.State, wallet);
        state.State = kept.CopyForDryRun();
        wallet = keptWallet is null ? null : Wallet.Restore(keptWallet.Snapshot());
        poolPass = pass;
        try
        {
            Run(call, now);
        }
        finally
        {
            (state.State, wallet, poolPass) = (kept, keptWallet, null);
        }

        var accountId = this.GetPrimaryKey();
        if (pass.Asks.Count > 0)
        {
            var answers = await GrainFactory.GetGrain<ISharedPoolGrain>(Account.Pool!.PoolId).ApplyAsync([.. pass.Asks.Select(ask => ask.Commit
                ? new PoolCall(new PoolUsage(ask.ReservationId, accountId, ask.Service, ask.Units), null)
                : new PoolCall(null, new PoolReservation(ask.ReservationId, accountId, ask.Service, ask.Units, settings.QuotaValidity)))]);
            foreach (var answer in answers)
            {
                if (answer.Settlement is { } settlement)
                {
                    pass.Settlements[settlement.ReservationId] = settlement;
                }
                else if (answer.Grant is { } grant)
                {
                    pass.Grants[grant.ReservationId] = grant;
                }
            }
        }

        pass.Answering = true;
        poolPass = pass;
        try
        {
            return Run(call, now);
        }
        finally
        {
            poolPass = null;
        }
    }

    /// <summary>Settles a report: the line's own allowances take what they can, the pool what it can of the rest, money the remainder.</summary>
    private Settlement Settle(UsageReport report)
    {
        var wallet = this.wallet!;
        if (Account.Pool is not { } membership || poolPass is not { } pass)
        {
            return wallet.Commit(report);
        }

        wallet.Advance(report.Now);
        var held = membership.Holds.Remove(report.ReservationId, out var heldUnits);
        var toPool = Math.Max(0, report.Units - OwnCover(wallet, report));
        if (toPool == 0 && !held)
        {
            return wallet.Commit(report);
        }

        PoolSettlement paid;
        if (pass.Answering)
        {
            paid = pass.Settlements.GetValueOrDefault(report.ReservationId) ?? throw new InvalidOperationException("The shared pool was not asked to settle this report.");
        }
        else
        {
            pass.Asks.Add(new PoolAsk(report.ReservationId, PoolServiceOf(report.Service), toPool, Commit: true));
            paid = new PoolSettlement(report.ReservationId, false, toPool, 0, [], []);
        }

        var fromPool = Math.Min(paid.Debited, report.Units);
        var settlement = wallet.Commit(report with { Units = report.Units - fromPool });
        return settlement with
        {
            WasReserved = settlement.WasReserved || held,
            Used = report.Units,
            Granted = settlement.Granted + heldUnits,
            Debits = [.. settlement.Debits, .. paid.Debits.Select(take => new BucketTake(PoolBucketId(take.BucketId), take.Units))],
            Thresholds = [.. settlement.Thresholds, .. paid.Thresholds.Select(t => new ThresholdCrossing(PoolBucketId(t.BucketId), t.Percent, t.Used, t.Amount))],
        };
    }

    /// <summary>Reserves quota: the line's own allowances first, then the pool for what they cannot grant, then money.</summary>
    private Grant ReserveQuota(ReserveRequest request)
    {
        var wallet = this.wallet!;
        if (Account.Pool is not { } membership || poolPass is not { } pass)
        {
            return wallet.Reserve(request);
        }

        wallet.Advance(request.Now);
        var shortfall = request.Units - Math.Min(request.Units, OwnAvailable(wallet, request.Service));
        if (shortfall == 0)
        {
            return wallet.Reserve(request);
        }

        PoolGrant pooled;
        if (pass.Answering)
        {
            pooled = pass.Grants.GetValueOrDefault(request.ReservationId) ?? throw new InvalidOperationException("The shared pool was not asked for this grant.");
        }
        else
        {
            pass.Asks.Add(new PoolAsk(request.ReservationId, PoolServiceOf(request.Service), shortfall, Commit: false));
            pooled = new PoolGrant(request.ReservationId, shortfall, request.Now + request.Validity, MoreAvailable: true, Serves: true, []);
        }

        if (pooled.Granted > 0)
        {
            membership.Holds[request.ReservationId] = pooled.Granted;
        }

        var fromPool = Math.Min(pooled.Granted, shortfall);
        var rest = request.Units - fromPool;
        var own = rest > 0 ? wallet.Reserve(request with { Units = rest }) : null;
        var granted = fromPool + (own?.Granted ?? 0);
        var outcome = granted > 0 ? GrantOutcome.Granted
            : own?.Outcome == GrantOutcome.NotOffered && !pooled.Serves ? GrantOutcome.NotOffered
            : GrantOutcome.Exhausted;
        var final = !pooled.MoreAvailable && (own?.FinalUnit ?? !MoneyMayPay(wallet, request.Service));
        var ends = new[] { own is { Granted: > 0 } ? own.ValidUntil : (DateTimeOffset?)null, fromPool > 0 ? pooled.ValidUntil : null }.OfType<DateTimeOffset>().ToList();
        return new Grant(request.ReservationId, outcome, request.Units, granted, final, ends.Count > 0 ? ends.Min() : request.Now,
            [.. own?.FromBuckets ?? [], .. pooled.FromBuckets.Select(take => new BucketTake(PoolBucketId(take.BucketId), take.Units))], own?.FromMoney);
    }

    /// <summary>Tells the pool before the account's write, so a change redelivered after a failed write reaches it again.</summary>
    private async Task ChangePoolAsync(AccountChange change)
    {
        var accountId = this.GetPrimaryKey();
        if (change.Kind == AccountChangeKind.JoinPool)
        {
            var poolId = change.PoolId ?? throw new ArgumentException("Joining a pool names the pool.", nameof(change));
            if (Account.Pool is { } current && current.PoolId != poolId)
            {
                throw new InvalidOperationException("The line draws on another shared pool: it leaves that one first.");
            }

            await GrainFactory.GetGrain<ISharedPoolGrain>(poolId).JoinAsync(accountId);
        }
        else if (change.Kind == AccountChangeKind.LeavePool && Account.Pool is { } membership)
        {
            await GrainFactory.GetGrain<ISharedPoolGrain>(membership.PoolId).LeaveAsync(accountId);
        }
    }

    private void ApplyPool(AccountChange change)
    {
        if (change.Kind == AccountChangeKind.JoinPool)
        {
            Account.Pool ??= new PoolMembership { PoolId = change.PoolId!.Value };
        }
        else if (Account.Pool is { } membership)
        {
            membership.Leaving = true;
        }
    }

    /// <summary>
    /// The pool holds no settled or open reservation of the line will settle any more (session ended, plan changed, the
    /// line left the pool): they are dropped from the state that is about to be written and released after the write.
    /// </summary>
    private (Guid PoolId, List<string> Ids) TakeFreedPoolHolds()
    {
        if (Account.Pool is not { } membership)
        {
            return (Guid.Empty, []);
        }

        var open = Account.Sessions.Values.Where(session => session.EndedAt is null).SelectMany(session => session.Reservations.Values)
            .Select(reservation => reservation.Id).ToHashSet(StringComparer.Ordinal);
        var freed = membership.Holds.Keys.Where(id => membership.Leaving || !open.Contains(id)).ToList();
        freed.ForEach(id => membership.Holds.Remove(id));
        if (membership.Leaving)
        {
            Account.Pool = null;
        }

        return (membership.PoolId, freed);
    }

    /// <summary>After the write: a release that fails is only logged, as the pool's hold ends with its validity anyway.</summary>
    private async Task ReleasePoolHoldsAsync((Guid PoolId, List<string> Ids) freed)
    {
        if (freed.Ids.Count == 0)
        {
            return;
        }

        var pool = GrainFactory.GetGrain<ISharedPoolGrain>(freed.PoolId);
        try
        {
            foreach (var id in freed.Ids)
            {
                await pool.ReleaseAsync(id);
            }
        }
        catch (Exception e)
        {
            LogPoolReleaseFailed(logger, e, freed.Ids.Count);
        }
    }

    /// <summary>Units the line's own allowances would debit for a report, the report's own holds released first (as the engine's commit does).</summary>
    private static long OwnCover(Wallet wallet, UsageReport report)
    {
        var reservation = wallet.Reservations.FirstOrDefault(open => open.Id == report.ReservationId);
        long cover = 0;
        foreach (var bucket in ConsumptionOrder.Of(wallet.Buckets, report.Service))
        {
            if (bucket.Amount is not { } amount)
            {
                return long.MaxValue;
            }

            var mine = reservation?.Grant.FromBuckets.Where(take => take.BucketId == bucket.Id).Sum(take => take.Units) ?? 0;
            cover += Math.Max(0, amount - bucket.Used - bucket.Held + mine);
            if (cover >= report.Units)
            {
                break;
            }
        }

        return cover;
    }

    /// <summary>Units the line's own allowances could still grant for the service.</summary>
    private static long OwnAvailable(Wallet wallet, RatedService service)
    {
        long available = 0;
        foreach (var bucket in ConsumptionOrder.Of(wallet.Buckets, service))
        {
            if (bucket.IsUnlimited)
            {
                return long.MaxValue;
            }

            available += bucket.Available;
        }

        return available;
    }

    private static bool MoneyMayPay(Wallet wallet, RatedService service) =>
        wallet.Tariff.For(service) is not null && wallet.Money.Spendable is null or > 0m;

    private static PoolService PoolServiceOf(RatedService service) => new(service.RatingGroup, WalletTerms.NameOf(service.Unit), service.Zone);

    private static string PoolBucketId(string bucketId) => "pool:" + bucketId;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing {Count} shared pool holds failed; they end with their validity")]
    private static partial void LogPoolReleaseFailed(ILogger logger, Exception exception, int count);

    /// <summary>What one request asks the pool (dry run), then the pool's answers (real pass).</summary>
    private sealed class PoolPass
    {
        public bool Answering { get; set; }

        public List<PoolAsk> Asks { get; } = [];

        public Dictionary<string, PoolSettlement> Settlements { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, PoolGrant> Grants { get; } = new(StringComparer.Ordinal);
    }

    private sealed record PoolAsk(string ReservationId, PoolService Service, long Units, bool Commit);
}

/// <summary>The shared pool a line draws on, and the units the pool holds for it per reservation id.</summary>
public sealed class PoolMembership
{
    /// <summary>The pool grain's key.</summary>
    public Guid PoolId { get; set; }

    /// <summary>Units the pool granted per open reservation of the line.</summary>
    public Dictionary<string, long> Holds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Set by a leave change: the next write releases every hold and drops the membership.</summary>
    public bool Leaving { get; set; }
}
