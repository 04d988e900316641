using Dialtone.Charging.Rating;

namespace Dialtone.Charging.Grains;

/// <summary>
/// A charging account's durable state, written whole (as JSON) after every change and before the answer leaves:
/// the wallet (buckets, money, reservations), the sessions with the last answer each gave, and the changes applied.
/// </summary>
public sealed partial class ChargingAccountState
{
    /// <summary>Raised when the shape changes; a reader migrates older states.</summary>
    public int SchemaVersion { get; set; } = 1;

    /// <summary>Null until the line's first order opens the account.</summary>
    public AccountProfile? Profile { get; set; }

    /// <summary>Null until opened.</summary>
    public WalletSnapshot? Wallet { get; set; }

    /// <summary>Open sessions and the tombstones of ended ones, by ChargingDataRef.</summary>
    public Dictionary<string, ChargingSession> Sessions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sessions by their create key (consumer + charging id), to recognise a retransmitted create.</summary>
    public Dictionary<string, string> SessionsByCreateKey { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many sessions were ever opened: the last number in a ChargingDataRef.</summary>
    public long SessionCount { get; set; }

    /// <summary>The latest changes applied (order id/item id), newest last, so a redelivered one is skipped.</summary>
    public List<string> AppliedChanges { get; set; } = [];

    /// <summary>How many top-ups were ever credited: the last number in a top-up id.</summary>
    public long TopUpCount { get; set; }

    /// <summary>The latest top-ups, newest last (<see cref="ChargingAccountGrain.TopUpsKept"/>): a repeated key is answered from here.</summary>
    public List<TopUpRecord> TopUps { get; set; } = [];

    /// <summary>The shared pool the line draws on, and what it holds there; null when none (ADR 0013).</summary>
    public PoolMembership? Pool { get; set; }
}

/// <summary>Whose account it is and whether it may charge.</summary>
public sealed class AccountProfile
{
    /// <summary>The line (inventory product).</summary>
    public required string ProductId { get; set; }

    /// <summary>The plan's offering: a change to the same offering is not a plan change.</summary>
    public string? OfferingId { get; set; }

    /// <summary><see cref="AccountStatus"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Prepaid (the consumer terminates when the charging function is unreachable) or postpaid.</summary>
    public bool Prepaid { get; set; }
}

/// <summary>The statuses of a charging account.</summary>
public static class AccountStatus
{
    /// <summary>Charging.</summary>
    public const string Active = "active";

    /// <summary>Barred: new sessions are refused.</summary>
    public const string Barred = "barred";

    /// <summary>The line ended: its subscriber is unknown.</summary>
    public const string Closed = "closed";
}

/// <summary>One charging session (a PDU session's charging), or the tombstone of an ended one.</summary>
public sealed class ChargingSession
{
    /// <summary>The ChargingDataRef.</summary>
    public required string Ref { get; set; }

    /// <summary>Consumer identification + charging id.</summary>
    public required string CreateKey { get; set; }

    /// <summary>The create's sequence number and answer: a retransmitted create gets it again.</summary>
    public required ChargingAnswer CreateAnswer { get; set; }

    /// <summary>What the session's service counts: data octets, a call's seconds, SMS events.</summary>
    public UsageUnit Unit { get; set; }

    /// <summary>Where the subscriber is, as the create or the last request that said so put it.</summary>
    public string Zone { get; set; } = "home";

    /// <summary>What the create asked (a retransmitted create must ask the same).</summary>
    public string? CreateFingerprint { get; set; }

    /// <summary>What the last answered request asked.</summary>
    public string? LastFingerprint { get; set; }

    /// <summary>Where to notify the consumer.</summary>
    public string? NotifyUri { get; set; }

    /// <summary>The last sequence number answered.</summary>
    public long LastSequence { get; set; }

    /// <summary>The answer to <see cref="LastSequence"/>.</summary>
    public required ChargingAnswer LastAnswer { get; set; }

    /// <summary>The open reservation per rating group.</summary>
    public Dictionary<int, SessionReservation> Reservations { get; set; } = [];

    /// <summary>The highest used unit container (<c>localSequenceNumber</c>) settled per rating group: a container is debited once.</summary>
    public Dictionary<int, long> LastContainers { get; set; } = [];

    /// <summary>When the last request arrived.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When it ended; the tombstone is kept for <see cref="ChargingOptions.ReleasedSessionRetention"/>.</summary>
    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>A reservation a session holds for a rating group, and the zone it was granted in.</summary>
public sealed record SessionReservation(string Id, string Zone);
