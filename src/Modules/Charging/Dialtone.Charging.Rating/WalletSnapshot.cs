namespace Dialtone.Charging.Rating;

/// <summary>
/// A wallet's whole state as plain data (ADR 0011, Snapshot): what <see cref="Wallet.Snapshot"/> takes and
/// <see cref="Wallet.Restore"/> rebuilds exactly, so the charging grain can keep it as JSON (System.Text.Json, default or
/// web options, no converters). Enums are kept by name, so reordering an enum never changes what a stored snapshot
/// means. Lists keep the wallet's order: buckets as the wallet holds them, the others ordered by id (ordinal).
/// </summary>
/// <param name="SchemaVersion">The shape of this record; <see cref="CurrentSchemaVersion"/> when taken, checked on restore.</param>
/// <param name="CycleDay">The day of the month (1–31) the bill cycle turns.</param>
/// <param name="CycleEnd">When the current bill cycle ends.</param>
/// <param name="Money">Credit, debt, credit limit, unbilled usage and held money.</param>
/// <param name="Tariff">The usage prices.</param>
/// <param name="Buckets">The allowances, including rolled-over units, in the wallet's order.</param>
/// <param name="Reservations">The open reservations, by id.</param>
/// <param name="ChargedThisCycle">Units of measure charged per price in this bill cycle, by price id.</param>
/// <param name="Carries">The sessions' paid but unused units, by session and rating group.</param>
public sealed record WalletSnapshot(
    int SchemaVersion,
    int CycleDay,
    DateTimeOffset CycleEnd,
    MoneySnapshot Money,
    TariffSnapshot Tariff,
    IReadOnlyList<BucketSnapshot> Buckets,
    IReadOnlyList<ReservationSnapshot> Reservations,
    IReadOnlyList<ChargedUnitsSnapshot> ChargedThisCycle,
    IReadOnlyList<CarrySnapshot> Carries)
{
    /// <summary>The schema version this engine writes and restores.</summary>
    public const int CurrentSchemaVersion = 1;
}

/// <summary>A <see cref="MonetaryBalance"/> as data.</summary>
/// <param name="Mode">The <see cref="PaymentMode"/>'s name.</param>
/// <param name="Currency">ISO 4217.</param>
/// <param name="Credit">Prepaid credit.</param>
/// <param name="Debt">Prepaid debt.</param>
/// <param name="CreditLimit">The postpaid credit limit, or null for none.</param>
/// <param name="Unbilled">Postpaid unbilled usage of the cycle.</param>
/// <param name="Held">Money held by open reservations.</param>
public sealed record MoneySnapshot(
    string Mode,
    string Currency,
    decimal Credit,
    decimal Debt,
    decimal? CreditLimit,
    decimal Unbilled,
    decimal Held);

/// <summary>A <see cref="Rating.Tariff"/> as data.</summary>
/// <param name="Currency">ISO 4217.</param>
/// <param name="Prices">The usage prices, in the tariff's order.</param>
public sealed record TariffSnapshot(string Currency, IReadOnlyList<PriceSnapshot> Prices);

/// <summary>A <see cref="UsagePrice"/> as data.</summary>
/// <param name="Id">The price id.</param>
/// <param name="RatingGroups">The rating groups it prices.</param>
/// <param name="Currency">ISO 4217.</param>
/// <param name="PerSize">The unit of measure's size in octets, seconds or events.</param>
/// <param name="PerUnit">The unit of measure's <see cref="UsageUnit"/> name.</param>
/// <param name="Tiers">The tiers, by their start.</param>
public sealed record PriceSnapshot(
    string Id,
    IReadOnlyList<int> RatingGroups,
    string Currency,
    long PerSize,
    string PerUnit,
    IReadOnlyList<PriceTierSnapshot> Tiers);

/// <summary>A <see cref="PriceTier"/> as data.</summary>
/// <param name="From">The first unit of measure of the tier.</param>
/// <param name="To">The first unit of measure after it; null when open-ended.</param>
/// <param name="Amount">The price of one unit of measure in the tier.</param>
public sealed record PriceTierSnapshot(long From, long? To, decimal Amount);

/// <summary>A <see cref="Bucket"/> as data, with its used and held units and its next reset.</summary>
/// <param name="Id">The bucket id.</param>
/// <param name="Kind">The <see cref="BucketKind"/>'s name.</param>
/// <param name="Unit">The <see cref="UsageUnit"/>'s name.</param>
/// <param name="Amount">Units per period; null when unlimited.</param>
/// <param name="RatingGroups">The rating groups it pays for.</param>
/// <param name="Zone">Where it applies.</param>
/// <param name="Reset">The <see cref="ResetPeriod"/>'s name.</param>
/// <param name="Rollover">Whether unused units roll over.</param>
/// <param name="Priority">The catalog's priority.</param>
/// <param name="ExpiresAt">When it is gone; null for never.</param>
/// <param name="RolledOver">Whether these are rolled-over units.</param>
/// <param name="Used">Units used in the current period.</param>
/// <param name="Held">Units held by open reservations.</param>
/// <param name="NextReset">When it is next refilled; null for never.</param>
public sealed record BucketSnapshot(
    string Id,
    string Kind,
    string Unit,
    long? Amount,
    IReadOnlyList<int> RatingGroups,
    string Zone,
    string Reset,
    bool Rollover,
    int Priority,
    DateTimeOffset? ExpiresAt,
    bool RolledOver,
    long Used,
    long Held,
    DateTimeOffset? NextReset);

/// <summary>An open <see cref="Reservation"/> as data.</summary>
/// <param name="Id">The reservation id.</param>
/// <param name="SessionId">The charging session.</param>
/// <param name="Service">What it was granted for.</param>
/// <param name="Grant">What it holds.</param>
/// <param name="ExpiresAt">When it is released unless settled.</param>
public sealed record ReservationSnapshot(string Id, string SessionId, ServiceSnapshot Service, GrantSnapshot Grant, DateTimeOffset ExpiresAt);

/// <summary>A <see cref="RatedService"/> as data.</summary>
/// <param name="RatingGroup">The rating group.</param>
/// <param name="Unit">The <see cref="UsageUnit"/>'s name.</param>
/// <param name="Zone">Where the subscriber was.</param>
public sealed record ServiceSnapshot(int RatingGroup, string Unit, string Zone);

/// <summary>A <see cref="Rating.Grant"/> as data: returned unchanged when its reservation is asked for again.</summary>
/// <param name="ReservationId">The reservation id.</param>
/// <param name="Outcome">The <see cref="GrantOutcome"/>'s name.</param>
/// <param name="Requested">Units asked for.</param>
/// <param name="Granted">Units granted.</param>
/// <param name="FinalUnit">Whether these were the last units.</param>
/// <param name="ValidUntil">When the grant's validity ends.</param>
/// <param name="FromBuckets">Units held per bucket, in consumption order.</param>
/// <param name="FromMoney">Units paid for with money, or null.</param>
public sealed record GrantSnapshot(
    string ReservationId,
    string Outcome,
    long Requested,
    long Granted,
    bool FinalUnit,
    DateTimeOffset ValidUntil,
    IReadOnlyList<BucketTakeSnapshot> FromBuckets,
    MoneyHoldSnapshot? FromMoney);

/// <summary>A <see cref="BucketTake"/> as data.</summary>
/// <param name="BucketId">The bucket.</param>
/// <param name="Units">Units held.</param>
public sealed record BucketTakeSnapshot(string BucketId, long Units);

/// <summary>A <see cref="MoneyHold"/> as data.</summary>
/// <param name="PriceId">The price.</param>
/// <param name="Units">Octets, seconds or events paid for.</param>
/// <param name="PriceUnits">Started units of measure.</param>
/// <param name="Amount">Money held.</param>
public sealed record MoneyHoldSnapshot(string PriceId, long Units, long PriceUnits, decimal Amount);

/// <summary>Units of measure charged at a price in the current bill cycle (its tier count).</summary>
/// <param name="PriceId">The price.</param>
/// <param name="PriceUnits">Units of measure charged.</param>
public sealed record ChargedUnitsSnapshot(string PriceId, long PriceUnits);

/// <summary>A session's carry for a rating group: the paid but unused part of its last started unit of measure.</summary>
/// <param name="SessionId">The charging session.</param>
/// <param name="RatingGroup">The rating group.</param>
/// <param name="Units">Octets, seconds or events paid and not yet used.</param>
public sealed record CarrySnapshot(string SessionId, int RatingGroup, long Units);
