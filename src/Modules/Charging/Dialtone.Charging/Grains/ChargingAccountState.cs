using System.Globalization;
using System.Text.Json.Serialization;
using Dialtone.Charging.Rating;

namespace Dialtone.Charging.Grains;

/// <summary>
/// A charging account's durable state, written whole (as JSON) after every change and before the answer leaves:
/// the wallet (buckets, money, reservations), the sessions with the last answer each gave, and the changes applied.
/// </summary>
public sealed partial class ChargingAccountState
{
    private Dictionary<string, ChargingSession> sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// The shape written now. 4: the tombstones of ended sessions are stored in a row of their own, written only when
    /// they change (<see cref="IHasColdPart"/>, ChargingAccountState.Tombstones.cs); a state of version 3 or older holds
    /// them in its own row and loads unchanged. 3: sessions are stored with short names, no repeated ref, times as UTC ticks
    /// (<see cref="ChargingSessionsJsonConverter"/>, which reads the older shapes too), and the create-key index is not
    /// stored. 2: a session keeps <see cref="ChargingSession.CreateSequence"/>, and drops its create's answer once a
    /// later request is answered and its last answer when that was a release's 204 (version 1 kept both answers of every
    /// session and tombstone); <see cref="Migrate"/> reads versions 1 and 2.
    /// </summary>
    public const int CurrentSchemaVersion = 4;

    /// <summary>Raised when the shape changes; a reader migrates older states (<see cref="Migrate"/>).</summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>Null until the line's first order opens the account.</summary>
    public AccountProfile? Profile { get; set; }

    /// <summary>Null until opened.</summary>
    public WalletSnapshot? Wallet { get; set; }

    /// <summary>
    /// Open sessions and the tombstones of ended ones, by ChargingDataRef (stored compactly: <see cref="ChargingSessionsJsonConverter"/>;
    /// the open ones in the account's row, <see cref="StoredSessions"/>, the tombstones apart). Setting it rebuilds
    /// <see cref="SessionsByCreateKey"/>.
    /// </summary>
    [JsonIgnore]
    public Dictionary<string, ChargingSession> Sessions
    {
        get => sessions;
        set
        {
            sessions = value;
            SessionsByCreateKey = IndexByCreateKey(value);
        }
    }

    /// <summary>
    /// Sessions by their create key (consumer + charging id), to recognise a retransmitted create: the newest session of
    /// each key. Not stored (versions 1 and 2 stored it): it is rebuilt from <see cref="Sessions"/> when they are read.
    /// </summary>
    [JsonIgnore]
    public Dictionary<string, string> SessionsByCreateKey { get; private set; } = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Brings a state read from the store to <see cref="CurrentSchemaVersion"/>: a version 1 session's create sequence
    /// comes from its create's answer, and the answers a version 2 session no longer keeps are dropped.
    /// </summary>
    /// <exception cref="InvalidOperationException">A state written by a newer version.</exception>
    public void Migrate()
    {
        if (SchemaVersion > CurrentSchemaVersion)
        {
            throw new InvalidOperationException($"A charging account state of schema version {SchemaVersion}; this version reads up to {CurrentSchemaVersion}.");
        }

        if (SchemaVersion < 2)
        {
            foreach (var session in Sessions.Values)
            {
                session.CreateSequence = session.CreateAnswer?.Sequence ?? session.CreateSequence;
                session.Compact();
            }
        }

        SchemaVersion = CurrentSchemaVersion;
    }

    /// <summary>
    /// Forgets a session (its tombstone's time is up, or it is pushed out by newer ones). A create key it held names the
    /// newest session still kept with that key, exactly as <see cref="IndexByCreateKey"/> rebuilds the index when the
    /// state is read: the live index and a reloaded (or copied) state's answer a retransmitted create alike.
    /// </summary>
    public void Forget(ChargingSession session)
    {
        sessions.Remove(session.Ref);
        if (SessionsByCreateKey.GetValueOrDefault(session.CreateKey) != session.Ref)
        {
            return;
        }

        var newest = sessions.Values.Where(s => s.CreateKey == session.CreateKey).MaxBy(s => NumberOf(s.Ref));
        if (newest is null)
        {
            SessionsByCreateKey.Remove(session.CreateKey);
        }
        else
        {
            SessionsByCreateKey[session.CreateKey] = newest.Ref;
        }
    }

    /// <summary>
    /// A copy that shares nothing mutable with this state, for a pass that must leave it untouched (a pool member's dry
    /// run, ChargingAccountGrain.Pool.cs): what a stored and reloaded state would hold — the open sessions (not the
    /// tombstones), no outbox, the create-key index rebuilt — made field by field. The JSON round trip it replaces was
    /// ~3.5 % of the server's CPU under the charging load, for the tenth of the lines in a pool (bench/README, session 18).
    /// </summary>
    internal ChargingAccountState CopyForDryRun()
    {
        var open = new Dictionary<string, ChargingSession>(StringComparer.Ordinal);
        foreach (var (reference, session) in sessions)
        {
            if (session.EndedAt is null)
            {
                open[reference] = session.Copy();
            }
        }

        return new ChargingAccountState
        {
            SchemaVersion = SchemaVersion,
            Profile = Profile is { } profile
                ? new AccountProfile { ProductId = profile.ProductId, OfferingId = profile.OfferingId, Status = profile.Status, Prepaid = profile.Prepaid }
                : null,
            Wallet = Wallet, // an immutable snapshot
            Sessions = open,
            SessionCount = SessionCount,
            AppliedChanges = [.. AppliedChanges],
            TopUpCount = TopUpCount,
            TopUps = [.. TopUps], // immutable records
            Pool = Pool is { } pool
                ? new PoolMembership { PoolId = pool.PoolId, Holds = new(pool.Holds, StringComparer.Ordinal), Leaving = pool.Leaving }
                : null,
        };
    }

    private static Dictionary<string, string> IndexByCreateKey(Dictionary<string, ChargingSession> sessions)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (reference, session) in sessions)
        {
            // A key used again (the same consumer and charging id) names its newest session, as a create left it.
            if (!index.TryGetValue(session.CreateKey, out var other) || NumberOf(other) < NumberOf(reference))
            {
                index[session.CreateKey] = reference;
            }
        }

        return index;
    }

    private static long NumberOf(string reference) =>
        long.TryParse(reference.AsSpan(reference.LastIndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
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

    /// <summary>The create's sequence number: a create under it with the same <see cref="CreateKey"/> is a retransmission.</summary>
    public long CreateSequence { get; set; }

    /// <summary>
    /// The create's answer: a retransmitted create gets it again. Dropped once a later request is answered (the consumer
    /// had it, since it used the ref); a create repeated after that gets the ref and no grant.
    /// </summary>
    public ChargingAnswer? CreateAnswer { get; set; }

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

    /// <summary>
    /// The answer to <see cref="LastSequence"/>; null when it is <see cref="CreateAnswer"/> (the create was the last
    /// request) or a release's 204, which say nothing the session does not.
    /// </summary>
    public ChargingAnswer? LastAnswer { get; set; }

    /// <summary>The open reservation per rating group.</summary>
    public Dictionary<int, SessionReservation> Reservations { get; set; } = [];

    /// <summary>The highest used unit container (<c>localSequenceNumber</c>) settled per rating group: a container is debited once.</summary>
    public Dictionary<int, long> LastContainers { get; set; } = [];

    /// <summary>When the last request arrived.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>
    /// When it ended; the tombstone is kept for <see cref="ChargingOptions.ReleasedSessionRetention"/>, at most
    /// <see cref="ChargingOptions.ReleasedSessionsKept"/> per account.
    /// </summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>
    /// An ended session's stored form (<see cref="ChargingSessionsJsonConverter"/>), kept while it is unchanged: every
    /// write of the account's tombstones holds all of them, and encoding them again was a tenth of the server's work
    /// under load when each request wrote them (bench/README, 2026-11-29 session 14). Valid for the last sequence number
    /// and end it was made at; a change of an ended session (late usage) answers a later sequence number, and
    /// <see cref="Compact"/> forgets it.
    /// </summary>
    [JsonIgnore]
    internal StoredSession? Stored { get; set; }

    /// <summary>
    /// The last sequence number and end this session's tombstone had when the account's tombstones were last read or
    /// stored (ChargingAccountState.Tombstones.cs); null when it was not among them. Not copied by <see cref="Copy"/>.
    /// </summary>
    [JsonIgnore]
    internal (long LastSequence, DateTimeOffset EndedAt)? StoredAsTombstone { get; set; }

    /// <summary>A copy sharing no mutable part (answers and reservations are immutable records); not its <see cref="Stored"/> form.</summary>
    public ChargingSession Copy() => new()
    {
        Ref = Ref,
        CreateKey = CreateKey,
        CreateSequence = CreateSequence,
        CreateAnswer = CreateAnswer,
        Unit = Unit,
        Zone = Zone,
        CreateFingerprint = CreateFingerprint,
        LastFingerprint = LastFingerprint,
        NotifyUri = NotifyUri,
        LastSequence = LastSequence,
        LastAnswer = LastAnswer,
        Reservations = new(Reservations),
        LastContainers = new(LastContainers),
        LastSeenAt = LastSeenAt,
        EndedAt = EndedAt,
    };

    /// <summary>
    /// Drops what a retransmission no longer needs: the create's answer once a later request was answered, a release's
    /// answer (204, no body), and an ended session's notify URI. Every state write holds every session, so each byte
    /// here is written again with each charging request of the account.
    /// </summary>
    public void Compact()
    {
        Stored = null;
        if (LastSequence != CreateSequence)
        {
            CreateAnswer = null;
        }

        if (LastAnswer is { Outcome: ChargingOutcome.Released } || LastSequence == CreateSequence)
        {
            LastAnswer = null;
        }

        if (EndedAt is not null)
        {
            NotifyUri = null;
        }
    }
}

/// <summary>The encoded JSON of an ended session, and what it was encoded at.</summary>
internal sealed record StoredSession(long LastSequence, DateTimeOffset EndedAt, byte[] Json);

/// <summary>A reservation a session holds for a rating group, and the zone it was granted in.</summary>
public sealed record SessionReservation(string Id, string Zone);
