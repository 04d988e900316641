namespace Dialtone.Legacy.Features.Propagation;

/// <summary>
/// One change Dialtone made that legacy must learn (contact data, address, status, plan, erasure), from the moment it was
/// captured until legacy has it: ids only (no personal data; the values are read at delivery time). The dead-letter
/// queue is the changes in state <see cref="LegacyChangeStates.DeadLettered"/>.
/// </summary>
internal sealed class LegacyChange
{
    public string Id { get; set; } = "";

    public string PartyId { get; set; } = "";

    /// <summary>What caused it: <see cref="LegacyChangeKinds"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The legacy customer ids the person had when the change was captured, comma-separated (an erasure removes them from the party).</summary>
    public string LegacyCustomerIds { get; set; } = "";

    public string State { get; set; } = LegacyChangeStates.Pending;

    /// <summary>The W3C <c>traceparent</c> of the request that made the change, sent with every legacy call for it.</summary>
    public string? TraceParent { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Attempts legacy refused (busy, locked, an unexpected answer); attempts while it was unreachable do not count.</summary>
    public int Attempts { get; set; }

    /// <summary>The last refusal: a legacy error code and name, or an exception type; never values.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset? DeadLetteredAt { get; set; }

    public int Replays { get; set; }

    public IReadOnlyList<string> LegacyIds => LegacyCustomerIds.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public string? TraceId => TraceParent is { Length: 55 } parent ? parent[3..35] : null;
}

internal static class LegacyChangeStates
{
    /// <summary>An erasure staged while the erasure request runs; it becomes pending when the parties module announces it is done.</summary>
    public const string AwaitingErasure = "awaitingErasure";

    /// <summary>
    /// An erasure whose request did not erase the person within <c>ErasureRequestTimeout</c> (the parties module
    /// refused, or the process stopped half-way): not delivered, so the person's later changes no longer wait for it. A
    /// request asked again stages its own; the erasure the parties module announces releases abandoned ones too.
    /// </summary>
    public const string Abandoned = "abandoned";

    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string DeadLettered = "deadLettered";
}

internal static class LegacyChangeKinds
{
    /// <summary>The individual changed (contact media, names): email, phone and address are propagated.</summary>
    public const string Contact = "contact";

    /// <summary>The customer record changed (its status).</summary>
    public const string Status = "status";

    public const string Erasure = "erasure";

    /// <summary>A product (a migrated line) changed in TMF637 inventory: the plan codes of the person's legacy subscriptions are propagated.</summary>
    public const string Plan = "plan";
}

/// <summary>
/// What Dialtone last knew a legacy record to hold: its version and a keyed hash of each field Dialtone masters after
/// Dialtone last wrote or confirmed it. A field whose hash legacy no longer matches was edited by legacy's own users.
/// </summary>
internal sealed class LegacySyncState
{
    public string LegacyCustomerId { get; set; } = "";

    public long LastVersion { get; set; }

    /// <summary>Field name to keyed hash (<c>PersonalDataProtector.Hash</c>) of its value, as JSON; no values.</summary>
    public string FieldHashes { get; set; } = "{}";

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// A concurrency token every writer moves (<see cref="Touch"/>): the propagation and the change-feed sync both write
    /// this row, and a writer whose copy is stale fails its save and works again from a fresh read instead of leaving the
    /// other's field hashes half overwritten (ADR 0018).
    /// </summary>
    public long Version { get; set; }

    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    /// <summary>
    /// A failed save that another writer of a sync state caused, and that is worth doing again from a fresh read: a
    /// concurrency failure in which only sync states were stale, or the insert of a record's first sync state refused
    /// because another writer inserted it first (a unique violation of <c>sync_states</c>' key).
    /// </summary>
    public static bool OnlyStatesConflicted(Microsoft.EntityFrameworkCore.DbUpdateException e) => e is Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException
        ? e.Entries.Count > 0 && e.Entries.All(entry => entry.Entity is LegacySyncState)
        : e.Entries.Any(entry => entry.Entity is LegacySyncState && entry.State == Microsoft.EntityFrameworkCore.EntityState.Added) && IsStateKeyViolation(e.InnerException);

    // SQLite: SQLITE_CONSTRAINT_PRIMARYKEY (1555) or _UNIQUE (2067) naming the table; PostgreSQL: unique_violation (23505) on it.
    private static bool IsStateKeyViolation(Exception? inner) => inner switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 1555 or 2067 && sqlite.Message.Contains("sync_states.", StringComparison.Ordinal),
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && postgres.TableName == "sync_states",
        _ => false,
    };
}

/// <summary>
/// A field that legacy's users changed after Dialtone's last write and that a delivery overwrote by the master rule
/// (Dialtone masters contact data, address and status after migration, ADR 0017). The overwritten value is encrypted.
/// </summary>
internal sealed class LegacyConflict
{
    public string Id { get; set; } = "";

    public string ChangeId { get; set; } = "";

    public string PartyId { get; set; } = "";

    public string LegacyCustomerId { get; set; } = "";

    /// <summary><c>email</c>, <c>phone</c>, <c>address</c> or <c>status</c>.</summary>
    public string Field { get; set; } = "";

    /// <summary>Legacy's value before Dialtone's overwrote it, encrypted (null when legacy had none).</summary>
    public string? ProtectedLegacyValue { get; set; }

    /// <summary>The legacy record's version when the conflict was found.</summary>
    public long LegacyVersion { get; set; }

    public DateTimeOffset DetectedAt { get; set; }

    public string Resolution { get; set; } = "dialtoneWins";

    /// <summary>
    /// <see cref="ToLegacy"/>: a delivery overwrote a legacy edit; <c>fromLegacy</c>: the change-feed sync saw a legacy
    /// edit of a field Dialtone masters (ADR 0018).
    /// </summary>
    public string Direction { get; set; } = ToLegacy;

    public const string ToLegacy = "toLegacy";
}
