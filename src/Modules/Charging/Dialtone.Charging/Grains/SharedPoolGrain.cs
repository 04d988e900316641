using Dialtone.Charging.Rating;
using Microsoft.Extensions.Logging;

namespace Dialtone.Charging.Grains;

/// <summary>
/// A shared pool (ADR 0013) on the rating engine: the pool is a wallet of shared-pool allowances with no usage price and
/// no money, so reservations, their validity and expiry (validity + grace), debits that never go below zero, the 80/100 %
/// thresholds and the resets on the cycle day are ADR 0011's, unchanged. Each reservation is its own engine session (its
/// id), so members never block each other. Like the account grain, memory never runs ahead of the disk: a call that
/// changes something is written before it answers, and a failure reloads what was last written. The grain type is pinned:
/// stored state is keyed by it.
/// </summary>
[GrainType("charging-pool")]
internal sealed partial class SharedPoolGrain(
    [PersistentState("pool", ChargingStorage.Name)] IPersistentState<SharedPoolState> state,
    TimeProvider clock,
    ILogger<SharedPoolGrain> logger) : Grain, ISharedPoolGrain
{
    /// <summary>
    /// How long a settled reservation's answer is kept for a repeat: a member repeats a call only when its own write failed
    /// after the pool's, and the consumer retransmits within its quota's validity (1 h by default) — so a little longer.
    /// </summary>
    internal static readonly TimeSpan SettledRetention = TimeSpan.FromMinutes(75);

    /// <summary>At most this many settled answers are kept, newest first, so a busy pool's state stays bounded.</summary>
    internal const int SettledKept = 4096;

    private const int AppliedChangesKept = 50;

    private Wallet? wallet;

    private SharedPoolState Pool => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        wallet = Pool.Wallet is { } snapshot ? Wallet.Restore(snapshot) : null;
        return Task.CompletedTask;
    }

    public Task ConfigureAsync(PoolTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return Pool.Closed || Pool.AppliedChanges.Contains(terms.ChangeId) ? Task.CompletedTask : ChangeAsync(now =>
        {
            Configure(terms, now);
            Pool.AppliedChanges.Add(terms.ChangeId);
            if (Pool.AppliedChanges.Count > AppliedChangesKept)
            {
                Pool.AppliedChanges.RemoveRange(0, Pool.AppliedChanges.Count - AppliedChangesKept);
            }

            LogConfigured(logger, terms.Allowances.Count);
            return true;
        });
    }

    public Task JoinAsync(Guid accountId) => Pool.Closed || Pool.Members.Contains(accountId) ? Task.CompletedTask : ChangeAsync(_ =>
    {
        Pool.Members.Add(accountId);
        return true;
    });

    public Task CloseAsync() => Pool.Closed ? Task.CompletedTask : ChangeAsync(_ =>
    {
        wallet = null;
        Pool.Members.Clear();
        Pool.Closed = true;
        LogClosed(logger);
        return true;
    });

    public Task LeaveAsync(Guid accountId) => Pool.Members.Contains(accountId) ? ChangeAsync(_ => Pool.Members.Remove(accountId)) : Task.CompletedTask;

    public async Task<PoolGrant> ReserveAsync(PoolReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        PoolGrant? answer = null;
        await ChangeAsync(now =>
        {
            (answer, var changed) = Reserve(reservation, now);
            return changed;
        });
        return answer!;
    }

    public async Task<PoolSettlement> CommitAsync(PoolUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        PoolSettlement? answer = null;
        await ChangeAsync(now =>
        {
            (answer, var changed) = Commit(usage, now);
            return changed;
        });
        return answer!;
    }

    public async Task<IReadOnlyList<PoolAnswer>> ApplyAsync(IReadOnlyList<PoolCall> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var answers = new List<PoolAnswer>(calls.Count);
        await ChangeAsync(now =>
        {
            answers.Clear();
            var changed = false;
            foreach (var call in calls)
            {
                if (call.Commit is { } usage)
                {
                    var (settlement, settled) = Commit(usage, now);
                    answers.Add(new PoolAnswer(settlement, null));
                    changed |= settled;
                }
                else if (call.Reserve is { } reservation)
                {
                    var (grant, held) = Reserve(reservation, now);
                    answers.Add(new PoolAnswer(null, grant));
                    changed |= held;
                }
                else
                {
                    throw new ArgumentException("A pool call commits or reserves.", nameof(calls));
                }
            }

            return changed;
        });
        return answers;
    }

    private (PoolGrant Grant, bool Changed) Reserve(PoolReservation reservation, DateTimeOffset now)
    {
        if (wallet is null || !Pool.Members.Contains(reservation.AccountId) || Pool.Settled.ContainsKey(reservation.ReservationId))
        {
            return (new PoolGrant(reservation.ReservationId, 0, now, MoreAvailable: false, Serves: false, []), false);
        }

        wallet.Advance(now);
        if (wallet.Reservations.FirstOrDefault(open => open.Id == reservation.ReservationId) is { } open)
        {
            // A repeat (the member's own write failed after ours): the first grant, nothing reserved twice.
            return (GrantOf(open.Grant), false);
        }

        var grant = wallet.Reserve(new ReserveRequest(reservation.ReservationId, reservation.ReservationId, ServiceOf(reservation.Service),
            reservation.Units, reservation.Validity, now));
        return (GrantOf(grant), grant.Granted > 0);
    }

    private (PoolSettlement Settlement, bool Changed) Commit(PoolUsage usage, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(usage.Units);
        if (Pool.Settled.TryGetValue(usage.ReservationId, out var settled))
        {
            return (settled.Result, false);
        }

        if (wallet is null)
        {
            return (new PoolSettlement(usage.ReservationId, Released: false, 0, usage.Units, [], []), false);
        }

        var settlement = wallet.Commit(new UsageReport(usage.ReservationId, usage.ReservationId, ServiceOf(usage.Service), usage.Units, now));
        var debited = settlement.Debits.Sum(take => take.Units);
        var answer = new PoolSettlement(usage.ReservationId, Released: false, debited, usage.Units - debited,
            [.. settlement.Debits.Select(take => new PoolTake(take.BucketId, take.Units))],
            [.. settlement.Thresholds.Select(t => new PoolThreshold(t.BucketId, t.Percent, t.Used, t.Amount))]);
        Settle(answer, now);
        return (answer, true);
    }

    public async Task<PoolSettlement> ReleaseAsync(string reservationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        if (Pool.Settled.TryGetValue(reservationId, out var settled))
        {
            return settled.Result;
        }

        var answer = new PoolSettlement(reservationId, Released: true, 0, 0, [], []);
        var now = clock.GetUtcNow();
        if (wallet is not null && wallet.Reservations.Any(open => open.Id == reservationId))
        {
            await ChangeAsync(_ =>
            {
                wallet.Release(reservationId, now);
                Settle(answer, now);
                return true;
            }, now);
        }

        return answer;
    }

    public Task<PoolBalance?> BalanceAsync()
    {
        if (wallet is null)
        {
            return Task.FromResult<PoolBalance?>(null);
        }

        wallet.Advance(clock.GetUtcNow());
        return Task.FromResult<PoolBalance?>(new PoolBalance(
            [.. wallet.Buckets.Select(b => new BucketBalance(b.Id, WalletTerms.NameOf(b.Kind), WalletTerms.NameOf(b.Unit), b.Amount, b.Used, b.Held, b.NextReset, b.ExpiresAt))],
            [.. Pool.Members],
            wallet.Reservations.Count));
    }

    private void Configure(PoolTerms terms, DateTimeOffset now)
    {
        var allowances = terms.Allowances.Select(allowance => WalletTerms.BucketOf(allowance with { Kind = "sharedPool" }));
        // The cycle day is the pool's from its opening: new allowances reset when the old ones would have.
        var fresh = new Wallet(wallet?.CycleDay ?? terms.CycleDay, MonetaryBalance.Postpaid(terms.Currency, 0m), new Tariff(terms.Currency, []), allowances, now);
        if (wallet is null)
        {
            wallet = fresh;
            return;
        }

        // New allowances: open reservations are released (their reports are rated all the same, as an account's are at a
        // plan change), units used this period count against the new amounts, the cycle day stays.
        foreach (var open in wallet.Reservations.ToList())
        {
            wallet.Release(open.Id, now);
        }

        var before = wallet.Snapshot();
        var used = before.Buckets.ToDictionary(bucket => bucket.Id, bucket => bucket.Used, StringComparer.Ordinal);
        var buckets = fresh.Snapshot().Buckets;
        wallet = Wallet.Restore(before with
        {
            Buckets = [.. buckets.Select(bucket => used.TryGetValue(bucket.Id, out var spent)
                ? bucket with { Used = bucket.Amount is { } amount ? Math.Min(spent, amount) : spent }
                : bucket)],
        });
    }

    private void Settle(PoolSettlement answer, DateTimeOffset now)
    {
        Pool.Settled[answer.ReservationId] = new SettledPoolReservation { Result = answer, At = now };
        var dropped = Pool.Settled.Where(entry => now - entry.Value.At > SettledRetention).Select(entry => entry.Key).ToList();
        if (Pool.Settled.Count - dropped.Count > SettledKept)
        {
            dropped.AddRange(Pool.Settled.Where(entry => now - entry.Value.At <= SettledRetention)
                .OrderBy(entry => entry.Value.At).Take(Pool.Settled.Count - dropped.Count - SettledKept).Select(entry => entry.Key));
        }

        dropped.ForEach(id => Pool.Settled.Remove(id));
    }

    /// <summary>Runs a change; when it changed something, writes the state before returning. Any failure reloads the last written state.</summary>
    private Task ChangeAsync(Func<DateTimeOffset, bool> change) => ChangeAsync(change, clock.GetUtcNow());

    private async Task ChangeAsync(Func<DateTimeOffset, bool> change, DateTimeOffset now)
    {
        try
        {
            if (change(now))
            {
                Pool.Wallet = wallet?.Snapshot();
                await state.WriteStateAsync();
            }
        }
        catch
        {
            await ReloadAsync();
            throw;
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            await state.ReadStateAsync();
            wallet = Pool.Wallet is { } snapshot ? Wallet.Restore(snapshot) : null;
        }
        catch (Exception e)
        {
            LogReloadFailed(logger, e, this.GetPrimaryKey());
            DeactivateOnIdle();
            throw;
        }
    }

    private static RatedService ServiceOf(PoolService service) => new(service.RatingGroup, WalletTerms.UnitOf(service.Unit), service.Zone);

    private static PoolGrant GrantOf(Grant grant) => new(grant.ReservationId, grant.Granted, grant.ValidUntil, MoreAvailable: !grant.FinalUnit,
        Serves: grant.Outcome != GrantOutcome.NotOffered, [.. grant.FromBuckets.Select(take => new PoolTake(take.BucketId, take.Units))]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shared pool configured with {Allowances} allowances")]
    private static partial void LogConfigured(ILogger logger, int allowances);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shared pool closed: its bundle ended")]
    private static partial void LogClosed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shared pool {PoolId} could not reload its state; deactivating")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, Guid poolId);
}

/// <summary>A shared pool's durable state, written whole (as JSON) after every change and before the answer leaves.</summary>
public sealed class SharedPoolState
{
    /// <summary>Raised when the shape changes; a reader migrates older states.</summary>
    public int SchemaVersion { get; set; } = 1;

    /// <summary>The pool's allowances and open reservations (a wallet with no money); null until configured.</summary>
    public WalletSnapshot? Wallet { get; set; }

    /// <summary>Closed for good (its bundle ended): no allowances, no members, nothing configured again.</summary>
    public bool Closed { get; set; }

    /// <summary>The charging accounts that may draw on the pool.</summary>
    public List<Guid> Members { get; set; } = [];

    /// <summary>The latest configuration change ids, newest last.</summary>
    public List<string> AppliedChanges { get; set; } = [];

    /// <summary>Recently settled reservations and their answers, so a repeated commit or release answers the same.</summary>
    public Dictionary<string, SettledPoolReservation> Settled { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A settled reservation's answer and when it was settled.</summary>
public sealed class SettledPoolReservation
{
    /// <summary>The answer given.</summary>
    public required PoolSettlement Result { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; set; }
}
