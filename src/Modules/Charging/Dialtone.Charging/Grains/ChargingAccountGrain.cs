using Dialtone.Charging.Nchf;
using Dialtone.Charging.Rating;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Charging.Grains;

/// <summary>
/// One charging account (ADR 0012): Orleans runs its calls one at a time, so the wallet needs no locks. Each call that
/// changes something changes the wallet and sessions in memory, then writes the whole state durably; only then does
/// the answer leave. If anything fails on the way, the activation reloads what was last written and the caller gets
/// the error: memory never runs ahead of the disk, so a retransmission after a failure is charged once. The grain type
/// is pinned: stored state is keyed by it.
/// </summary>
[GrainType("charging-account")]
internal sealed partial class ChargingAccountGrain(
    [PersistentState("account", ChargingStorage.Name)] IPersistentState<ChargingAccountState> state,
    TimeProvider clock,
    IOptions<ChargingOptions> options,
    ILogger<ChargingAccountGrain> logger) : Grain, IChargingAccountGrain
{
    private const int AppliedChangesKept = 200;

    private readonly ChargingOptions settings = options.Value;
    private Wallet? wallet;

    private ChargingAccountState Account => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Account.Migrate();
        wallet = Account.Wallet is { } snapshot ? Wallet.Restore(snapshot) : null;
        return Task.CompletedTask;
    }

    public async Task<ChargingAnswer> ChargeAsync(ChargingCall call)
    {
        var now = clock.GetUtcNow();
        try
        {
            var (answer, changed) = Account.Pool is null ? Run(call, now) : await RunWithPoolAsync(call, now);
            if (changed)
            {
                await SaveAsync(now);
            }

            return answer;
        }
        catch
        {
            await ReloadAsync();
            throw;
        }
    }

    public async Task ApplyAsync(AccountChange change)
    {
        if (Account.AppliedChanges.Contains(change.ChangeId))
        {
            return;
        }

        var now = clock.GetUtcNow();
        try
        {
            await ChangePoolAsync(change);
            Apply(change, now);
            Account.AppliedChanges.Add(change.ChangeId);
            if (Account.AppliedChanges.Count > AppliedChangesKept)
            {
                Account.AppliedChanges.RemoveRange(0, Account.AppliedChanges.Count - AppliedChangesKept);
            }

            await SaveAsync(now);
            LogChange(logger, change.Kind);
        }
        catch
        {
            await ReloadAsync();
            throw;
        }
    }

    public Task<AccountBalance?> BalanceAsync()
    {
        if (Account.Profile is not { } profile || wallet is null)
        {
            return Task.FromResult<AccountBalance?>(null);
        }

        wallet.Advance(clock.GetUtcNow());
        var money = wallet.Money;
        return Task.FromResult<AccountBalance?>(new AccountBalance(profile.Status, profile.ProductId, profile.Prepaid, money.Currency, money.Credit,
            money.Debt, money.Unbilled, money.Held,
            [.. wallet.Buckets.Select(b => new BucketBalance(b.Id, WalletTerms.NameOf(b.Kind), WalletTerms.NameOf(b.Unit), b.Amount, b.Used, b.Held, b.NextReset, b.ExpiresAt))],
            Account.Sessions.Values.Count(s => s.EndedAt is null)));
    }

    private (ChargingAnswer Answer, bool Changed) Create(ChargingCall call, DateTimeOffset now)
    {
        var key = call.CreateKey ?? throw new ArgumentException("A create names its consumer and charging id.", nameof(call));
        var fingerprint = ChargingCallFingerprint.Of(call);
        if (Account.SessionsByCreateKey.TryGetValue(key, out var existing) && Account.Sessions.TryGetValue(existing, out var known)
            && known.CreateSequence == call.Sequence)
        {
            // Once a later request was answered the create's grant is gone (the consumer had it): the same ref, no grant.
            return known.CreateFingerprint is null || known.CreateFingerprint == fingerprint
                ? (known.CreateAnswer ?? new ChargingAnswer(ChargingOutcome.Created, known.Ref, known.CreateSequence, known.LastSeenAt, [], Account.Profile?.Prepaid ?? false), false)
                : (Refusal(ChargingOutcome.Mismatch, null, call, now,
                    $"This consumer's create with sequence number {call.Sequence} was answered for another request; a retransmission repeats the request unchanged."), false);
        }

        if (Account.Profile is not { Status: not AccountStatus.Closed } profile || wallet is null)
        {
            return (Refusal(ChargingOutcome.UserUnknown, null, call, now, "The subscriber has no charging account."), false);
        }

        if (profile.Status == AccountStatus.Barred)
        {
            return (Refusal(ChargingOutcome.Denied, null, call, now, "The line is barred."), false);
        }

        var reference = $"{this.GetPrimaryKey():N}-{++Account.SessionCount}";
        var placeholder = Refusal(ChargingOutcome.Created, reference, call, now, null);
        var session = new ChargingSession
        {
            Ref = reference, CreateKey = key, CreateSequence = call.Sequence, NotifyUri = call.NotifyUri, CreateAnswer = placeholder,
            Unit = call.Units.Select(usage => usage.Unit).FirstOrDefault(unit => unit is not null) ?? UsageUnit.Octet,
            Zone = call.Zone ?? Zones.Home, CreateFingerprint = fingerprint,
            LastSequence = call.Sequence, LastSeenAt = now,
        };
        Account.Sessions[reference] = session;
        Account.SessionsByCreateKey[key] = reference;
        var answer = Rate(session, call, now, ChargingOutcome.Created, fingerprint);
        session.CreateAnswer = answer;
        if (call.OneTime != OneTimeEvent.None)
        {
            EndOneTimeEvent(session, call, now);
        }

        session.Compact();

        return (answer, true);
    }

    private (ChargingAnswer Answer, bool Changed) Continue(ChargingCall call, DateTimeOffset now)
    {
        if (call.ChargingDataRef is not { } reference || !Account.Sessions.TryGetValue(reference, out var session))
        {
            return (Refusal(ChargingOutcome.SessionUnknown, call.ChargingDataRef, call, now, "No charging session has this ChargingDataRef."), false);
        }

        var fingerprint = ChargingCallFingerprint.Of(call);
        if (call.Sequence == session.LastSequence)
        {
            // A retransmission is the same request again; another request under a number already answered is an error.
            return session.LastFingerprint is null || session.LastFingerprint == fingerprint
                ? (LastAnswerOf(session), false)
                : (Refusal(ChargingOutcome.Mismatch, reference, call, now,
                    $"Sequence number {call.Sequence} was answered for another request; a retransmission repeats the request unchanged."), false);
        }

        if (call.Sequence < session.LastSequence)
        {
            return (Refusal(ChargingOutcome.OutOfSequence, reference, call, now,
                $"Sequence number {call.Sequence} comes after {session.LastSequence} was answered; only the last answer is kept for retransmissions."), false);
        }

        if (call.Units.FirstOrDefault(usage => (usage.Unit is { } unit && unit != session.Unit)
                || usage.Requested?.OnlyIn(session.Unit) == false || usage.Used.Any(container => container.Units.OnlyIn(session.Unit) == false)) is { } other)
        {
            return (Refusal(ChargingOutcome.Mismatch, reference, call, now,
                $"The session charges {WalletTerms.NameOf(session.Unit)}s; rating group {other.RatingGroup} is reported for another service."), false);
        }

        if (session.EndedAt is not null)
        {
            // The session ended (released, the line terminated, or silent too long): units still reported are rated all
            // the same, never dropped; no quota is granted. A release is acknowledged, an update is told the session is gone.
            var late = call.Units.Any(usage => usage.Used.Any(container => container.LocalSequence > session.LastContainers.GetValueOrDefault(usage.RatingGroup, -1)));
            if (late)
            {
                Rate(session, call with { Units = [.. call.Units.Select(usage => usage with { Requested = null })] }, now, ChargingOutcome.Released, fingerprint);
            }

            var ended = call.Operation == ChargingOperation.Release
                ? Refusal(ChargingOutcome.Released, reference, call, now, null)
                : Refusal(ChargingOutcome.SessionUnknown, reference, call, now, "The charging session has ended.");
            if (late)
            {
                session.LastAnswer = ended;
                session.Compact();
            }

            return (ended, late);
        }

        var answer = Rate(session, call, now, call.Operation == ChargingOperation.Release ? ChargingOutcome.Released : ChargingOutcome.Updated, fingerprint);
        if (call.Operation == ChargingOperation.Release)
        {
            wallet!.CloseSession(reference, now);
            session.Reservations.Clear();
            session.EndedAt = now;
        }

        session.Compact();
        return (answer, true);
    }

    /// <summary>Settles each rating group's used units, then reserves what it asks for; records the answer on the session.</summary>
    private ChargingAnswer Rate(ChargingSession session, ChargingCall call, DateTimeOffset now, ChargingOutcome outcome, string fingerprint)
    {
        var wallet = this.wallet!;
        if (call.Zone is { } zone)
        {
            session.Zone = zone;
        }

        // A barred or closed line's sessions report what was used, and are granted nothing more.
        var mayGrant = Account.Profile!.Status == AccountStatus.Active;
        var grants = new List<UnitGrant>();
        foreach (var usage in call.Units)
        {
            var last = session.LastContainers.TryGetValue(usage.RatingGroup, out var seen) ? seen : -1;
            var fresh = usage.Used.Where(container => container.LocalSequence > last).ToList();
            var used = fresh.Sum(container => container.Units.In(session.Unit));
            session.Reservations.Remove(usage.RatingGroup, out var open);
            if (open is not null || used > 0)
            {
                var service = new RatedService(usage.RatingGroup, session.Unit, open?.Zone ?? session.Zone);
                var settlement = Settle(new UsageReport(open?.Id ?? $"{session.Ref}/{usage.RatingGroup}/unreserved/{call.Sequence}", session.Ref, service, used, now));
                RecordUsage(session, call.Sequence, service, settlement, now);
            }

            if (fresh.Count > 0)
            {
                session.LastContainers[usage.RatingGroup] = fresh.Max(container => container.LocalSequence);
            }

            if (usage.Requested is { } requested && call.Operation != ChargingOperation.Release)
            {
                grants.Add(mayGrant
                    ? Reserve(session, call, usage.RatingGroup, requested.In(session.Unit), now)
                    : new UnitGrant(usage.RatingGroup, session.Unit, "END_USER_SERVICE_DENIED", 0, null, null, FinalUnit: true));
            }
        }

        var answer = new ChargingAnswer(outcome, session.Ref, call.Sequence, now, grants, Account.Profile!.Prepaid);
        session.LastSequence = call.Sequence;
        session.LastAnswer = answer;
        session.LastFingerprint = fingerprint;
        session.LastSeenAt = now;
        return answer;
    }

    private UnitGrant Reserve(ChargingSession session, ChargingCall call, int ratingGroup, long requested, DateTimeOffset now)
    {
        var units = requested > 0 ? requested : DefaultQuota(session.Unit);
        var reservationId = $"{session.Ref}/{ratingGroup}/{call.Sequence}";
        var service = new RatedService(ratingGroup, session.Unit, session.Zone);
        var grant = ReserveQuota(new ReserveRequest(reservationId, session.Ref, service, units, settings.QuotaValidity, now));
        if (grant.Granted > 0)
        {
            session.Reservations[ratingGroup] = new SessionReservation(reservationId, session.Zone);
        }

        var code = grant.Outcome switch
        {
            GrantOutcome.Granted => "SUCCESS",
            GrantOutcome.Exhausted => "QUOTA_LIMIT_REACHED",
            _ => "END_USER_SERVICE_DENIED",
        };
        var validity = grant.Granted > 0 ? (long)Math.Max(1, Math.Ceiling((grant.ValidUntil - now).TotalSeconds)) : (long?)null;
        var threshold = grant.Granted > 0 && !grant.FinalUnit ? grant.Granted / 5 : (long?)null;
        return new UnitGrant(ratingGroup, session.Unit, code, grant.Granted, validity, threshold, grant.FinalUnit);
    }

    /// <summary>
    /// A one-time event has no session after its create: immediate event charging debits what was granted (the event
    /// took place as granted), post event charging was rated by <see cref="Rate"/> already. The session stays as a
    /// tombstone, so a retransmitted create gets the same answer.
    /// </summary>
    private void EndOneTimeEvent(ChargingSession session, ChargingCall call, DateTimeOffset now)
    {
        foreach (var usage in call.Units)
        {
            if (session.Reservations.Remove(usage.RatingGroup, out var held))
            {
                var granted = session.CreateAnswer!.Grants.First(grant => grant.RatingGroup == usage.RatingGroup).Granted ?? 0;
                var debited = call.OneTime == OneTimeEvent.Immediate ? granted : 0;
                var service = new RatedService(usage.RatingGroup, session.Unit, held.Zone);
                RecordUsage(session, call.Sequence, service, Settle(new UsageReport(held.Id, session.Ref, service, debited, now)), now);
            }
        }

        End(session, now);
    }

    private long DefaultQuota(UsageUnit unit) => unit switch
    {
        UsageUnit.Second => 600,
        UsageUnit.Event => 1,
        _ => settings.DefaultDataQuota,
    };

    private void Apply(AccountChange change, DateTimeOffset now)
    {
        switch (change.Kind)
        {
            case AccountChangeKind.Open:
                var terms = change.Terms ?? throw new ArgumentException("Opening an account needs its terms.", nameof(change));
                // An account opens once: a closed one (its line terminated) stays closed, whatever event comes late.
                if (Account.Profile is not null)
                {
                    return;
                }

                wallet = WalletTerms.Open(terms, change.Allowances ?? [], now);
                Account.Profile = new AccountProfile
                {
                    ProductId = change.ProductId, OfferingId = terms.OfferingId, Status = AccountStatus.Active, Prepaid = terms.Prepaid,
                };
                break;
            case AccountChangeKind.AddAllowances:
                var added = false;
                foreach (var allowance in (change.Allowances ?? []).Where(a => Opened().Find(a.BucketId) is null))
                {
                    Opened().AddBucket(WalletTerms.BucketOf(allowance), now);
                    added = true;
                }

                if (added)
                {
                    NotifyOpenSessions(change.ChangeId, NchfNotification.Reauthorization, now);
                }

                break;
            case AccountChangeKind.RemoveAllowances:
                var ending = (change.Allowances ?? []).Select(allowance => allowance.BucketId).ToHashSet(StringComparer.Ordinal);
                // Nothing to take from an account that never opened (or has no such allowance left).
                if (wallet is not null && wallet.Buckets.Any(bucket => ending.Contains(bucket.Id) || ending.Any(id => bucket.Id.StartsWith(id + "/rollover/", StringComparison.Ordinal))))
                {
                    wallet.RemoveBuckets(ending, now);
                    NotifyOpenSessions(change.ChangeId, NchfNotification.Reauthorization, now);
                }

                break;
            case AccountChangeKind.ChangePlan:
                if (ChangePlan(change, now))
                {
                    NotifyOpenSessions(change.ChangeId, NchfNotification.Reauthorization, now);
                }

                break;
            case AccountChangeKind.Suspend:
                Opened();
                if (Account.Profile!.Status == AccountStatus.Active)
                {
                    Account.Profile.Status = AccountStatus.Barred;
                    NotifyOpenSessions(change.ChangeId, NchfNotification.AbortCharging, now);
                }

                break;
            case AccountChangeKind.Resume:
                Opened();
                Account.Profile!.Status = Account.Profile.Status == AccountStatus.Closed ? AccountStatus.Closed : AccountStatus.Active;
                break;
            case AccountChangeKind.Terminate:
                if (Account.Profile is null)
                {
                    return;
                }

                NotifyOpenSessions(change.ChangeId, NchfNotification.AbortCharging, now);
                foreach (var session in Account.Sessions.Values.Where(s => s.EndedAt is null))
                {
                    End(session, now);
                }

                Account.Profile.Status = AccountStatus.Closed;
                break;
            case AccountChangeKind.JoinPool or AccountChangeKind.LeavePool:
                ApplyPool(change);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown account change.");
        }
    }

    /// <summary>
    /// A new plan: its allowances replace the old plan's (units used this period count against the new amounts), its
    /// prices replace the tariff; add-on and rolled-over units stay. Open reservations are released first (their
    /// sessions' next reports are rated all the same, ADR 0011 §7), so no hold points at a bucket that changed. The same
    /// offering again (a SIM swap, a setting) changes nothing.
    /// </summary>
    private bool ChangePlan(AccountChange change, DateTimeOffset now)
    {
        var terms = change.Terms ?? throw new ArgumentException("A plan change needs the new terms.", nameof(change));
        var current = Opened();
        if (Account.Profile!.OfferingId == terms.OfferingId)
        {
            return false;
        }

        foreach (var reservation in current.Reservations.ToList())
        {
            current.Release(reservation.Id, now);
        }

        var before = current.Snapshot();
        // The bill cycle is the account's, not the change's: the new allowances reset when the old ones would have.
        var fresh = WalletTerms.Open(terms with { CycleDay = before.CycleDay }, change.Allowances ?? [], now).Snapshot();
        var used = before.Buckets.ToDictionary(bucket => bucket.Id, bucket => bucket.Used, StringComparer.Ordinal);
        // What the customer bought on top (add-ons) and units already rolled over stay; the old plan's allowances go.
        var kept = before.Buckets.Where(bucket => bucket.Kind == nameof(BucketKind.AddOn) || bucket.RolledOver);
        var plan = fresh.Buckets.Select(bucket => used.TryGetValue(bucket.Id, out var spent)
            ? bucket with { Used = bucket.Amount is { } amount ? Math.Min(spent, amount) : spent }
            : bucket);
        // Money keeps what is owed across a switch of payment mode: postpaid usage not yet billed becomes prepaid debt
        // (the next top-up pays it), prepaid debt becomes postpaid usage to bill; prepaid credit left stays for billing to refund.
        var money = before.Money.Mode == fresh.Money.Mode
            ? before.Money
            : terms.Prepaid
                ? fresh.Money with { Credit = before.Money.Credit, Debt = before.Money.Debt + before.Money.Unbilled }
                : fresh.Money with { Credit = before.Money.Credit, Unbilled = before.Money.Unbilled + before.Money.Debt };
        var prices = fresh.Tariff.Prices.Select(price => price.Id).ToHashSet(StringComparer.Ordinal);
        wallet = Wallet.Restore(before with
        {
            Money = money,
            Tariff = fresh.Tariff,
            Buckets = [.. kept.Where(bucket => fresh.Buckets.All(b => b.Id != bucket.Id)), .. plan],
            ChargedThisCycle = [.. before.ChargedThisCycle.Where(charged => prices.Contains(charged.PriceId))],
        });
        Account.Profile.OfferingId = terms.OfferingId;
        Account.Profile.Prepaid = terms.Prepaid;
        return true;
    }

    private Wallet Opened() => wallet ?? throw new InvalidOperationException("The charging account was never opened.");

    private void End(ChargingSession session, DateTimeOffset now)
    {
        wallet?.CloseSession(session.Ref, now);
        session.Reservations.Clear();
        session.EndedAt = now;
        session.Compact();
    }

    /// <summary>The answer a retransmission of the session's last request gets (<see cref="ChargingSession.LastAnswer"/> keeps only what the session cannot say).</summary>
    private ChargingAnswer LastAnswerOf(ChargingSession session) =>
        session.LastAnswer
        ?? (session.LastSequence == session.CreateSequence && session.CreateAnswer is { } created
            ? created
            : new ChargingAnswer(ChargingOutcome.Released, session.Ref, session.LastSequence, session.EndedAt ?? session.LastSeenAt, [], Account.Profile?.Prepaid ?? false));

    /// <summary>
    /// Drops tombstones past their retention or beyond the newest <see cref="ChargingOptions.ReleasedSessionsKept"/>, and
    /// ends sessions whose consumer went silent, then writes.
    /// </summary>
    private async Task SaveAsync(DateTimeOffset now)
    {
        var ended = 0;
        List<ChargingSession>? expired = null;
        foreach (var session in Account.Sessions.Values)
        {
            if (session.EndedAt is null && now - session.LastSeenAt > settings.StaleSessionTimeout)
            {
                End(session, now);
            }

            if (session.EndedAt is { } at && now - at > settings.ReleasedSessionRetention)
            {
                (expired ??= []).Add(session);
            }
            else if (session.EndedAt is not null)
            {
                ended++;
            }
        }

        expired?.ForEach(Forget);

        if (ended > settings.ReleasedSessionsKept)
        {
            foreach (var session in Account.Sessions.Values.Where(s => s.EndedAt is not null)
                .OrderBy(s => s.EndedAt).ThenBy(s => s.LastSequence).Take(ended - settings.ReleasedSessionsKept).ToList())
            {
                Forget(session);
            }
        }

        var freed = TakeFreedPoolHolds();
        Account.Wallet = wallet?.Snapshot();
        await state.WriteStateAsync();
        await ReleasePoolHoldsAsync(freed);
    }

    private void Forget(ChargingSession session) => Account.Forget(session);

    private async Task ReloadAsync()
    {
        try
        {
            await state.ReadStateAsync();
            Account.Migrate();
            wallet = Account.Wallet is { } snapshot ? Wallet.Restore(snapshot) : null;
        }
        catch (Exception e)
        {
            // Memory may now be ahead of the disk: this activation must not serve another call.
            LogReloadFailed(logger, e, this.GetPrimaryKey());
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>What a request asks, so that a retransmission (the same request again) is told from another request under the same number.</summary>
    private static ChargingAnswer Refusal(ChargingOutcome outcome, string? reference, ChargingCall call, DateTimeOffset now, string? detail) =>
        new(outcome, reference, call.Sequence, now, [], false, detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charging account change {Change} applied")]
    private static partial void LogChange(ILogger logger, AccountChangeKind change);

    [LoggerMessage(Level = LogLevel.Error, Message = "Charging account {AccountId} could not reload its state; deactivating")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, Guid accountId);
}
