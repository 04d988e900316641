namespace Dialtone.Charging.Rating;

public sealed partial class Wallet
{
    // The tariff never changes in a wallet's life (a plan change makes a new wallet): its snapshot, taken with every state
    // write, is made once.
    private TariffSnapshot? tariffSnapshot;

    /// <summary>
    /// The wallet's whole state (ADR 0011, Snapshot): a deep copy that later operations on the wallet do not change, from
    /// which <see cref="Restore"/> rebuilds a wallet that behaves exactly like this one for every later operation. Applies
    /// nothing: what time did since the last operation is still to be applied, by the restored wallet as by this one.
    /// </summary>
    public WalletSnapshot Snapshot() => new(
        WalletSnapshot.CurrentSchemaVersion,
        CycleDay,
        CycleEnd,
        new MoneySnapshot(Name(Money.Mode), Money.Currency, Money.Credit, Money.Debt, Money.CreditLimit, Money.Unbilled, Money.Held),
        tariffSnapshot ??= new TariffSnapshot(Tariff.Currency, [.. Tariff.Prices.Select(SnapshotOf)]),
        [.. buckets.Select(SnapshotOf)],
        [.. reservations.Values.Select(SnapshotOf)],
        [.. chargedThisCycle.Select(charged => new ChargedUnitsSnapshot(charged.Key, charged.Value))],
        [.. carries
            .OrderBy(carry => carry.Key.SessionId, StringComparer.Ordinal)
            .ThenBy(carry => carry.Key.RatingGroup)
            .Select(carry => new CarrySnapshot(carry.Key.SessionId, carry.Key.RatingGroup, carry.Value))]);

    /// <summary>
    /// The wallet <paramref name="snapshot"/> was taken of, exactly as it was: nothing is advanced, scheduled or recomputed
    /// (buckets keep their next reset, the cycle its end, reservations their grants). Checked as the constructor checks
    /// its arguments (the money's and the tariff's currency, the prices, each bucket, unique bucket ids), and for one open
    /// reservation per id and per session and rating group, and carries above zero. Shares nothing with the snapshot.
    /// </summary>
    /// <exception cref="ArgumentException">The snapshot is of another schema version, incomplete, or not a state a wallet can be in.</exception>
    public static Wallet Restore(WalletSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.SchemaVersion != WalletSnapshot.CurrentSchemaVersion)
        {
            throw new ArgumentException(
                $"A snapshot of schema version {snapshot.SchemaVersion}; this engine restores version {WalletSnapshot.CurrentSchemaVersion}.", nameof(snapshot));
        }

        if (snapshot.CycleDay is < 1 or > 31
            || snapshot.CycleEnd == DateTimeOffset.MinValue
            || ResetSchedule.NextCycleStart(snapshot.CycleEnd.AddTicks(-1), snapshot.CycleDay) != snapshot.CycleEnd)
        {
            throw new ArgumentException($"{snapshot.CycleEnd:O} is not when a bill cycle of cycle day {snapshot.CycleDay} ends.", nameof(snapshot));
        }

        var money = MoneyOf(Required(snapshot.Money, "money"));
        money.Validate();
        var tariff = TariffOf(Required(snapshot.Tariff, "tariff"));
        if (money.Currency != tariff.Currency)
        {
            throw new ArgumentException($"The money is in {money.Currency}, the tariff in {tariff.Currency}.", nameof(snapshot));
        }

        var wallet = new Wallet(snapshot.CycleDay, snapshot.CycleEnd, money, tariff);
        foreach (var bucket in Required(snapshot.Buckets, "bucket list").Select(BucketOf))
        {
            bucket.Validate();
            if (wallet.Find(bucket.Id) is not null)
            {
                throw new ArgumentException($"Bucket id '{bucket.Id}' is in the snapshot twice.", nameof(snapshot));
            }

            wallet.buckets.Add(bucket);
        }

        foreach (var reservation in Required(snapshot.Reservations, "reservation list").Select(ReservationOf))
        {
            if (wallet.reservations.Values.Any(r => r.SessionId == reservation.SessionId && r.Service.RatingGroup == reservation.Service.RatingGroup)
                || !wallet.reservations.TryAdd(reservation.Id, reservation))
            {
                throw new ArgumentException(
                    $"Reservation '{reservation.Id}' is in the snapshot twice, or its session holds another for rating group {reservation.Service.RatingGroup}.", nameof(snapshot));
            }
        }

        foreach (var charged in Required(snapshot.ChargedThisCycle, "tier count list"))
        {
            if (!wallet.chargedThisCycle.TryAdd(Required(Required(charged, "tier count").PriceId, "tier count's price id"), charged.PriceUnits))
            {
                throw new ArgumentException($"Price '{charged.PriceId}' has two tier counts in the snapshot.", nameof(snapshot));
            }
        }

        foreach (var carry in Required(snapshot.Carries, "carry list"))
        {
            if (Required(carry, "carry").Units <= 0 || !wallet.carries.TryAdd((Required(carry.SessionId, "carry's session id"), carry.RatingGroup), carry.Units))
            {
                throw new ArgumentException(
                    $"Session '{carry.SessionId}' carries {carry.Units} units for rating group {carry.RatingGroup}: carries are above zero, one per session and rating group.", nameof(snapshot));
            }
        }

        return wallet;
    }

    private static PriceSnapshot SnapshotOf(UsagePrice price) => new(
        price.Id,
        [.. price.RatingGroups],
        price.Currency,
        price.Per.Size,
        Name(price.Per.Unit),
        [.. price.Tiers.Select(tier => new PriceTierSnapshot(tier.From, tier.To, tier.Amount))]);

    private static BucketSnapshot SnapshotOf(Bucket bucket) => new(
        bucket.Id,
        Name(bucket.Kind),
        Name(bucket.Unit),
        bucket.Amount,
        [.. bucket.RatingGroups],
        bucket.Zone,
        Name(bucket.Reset),
        bucket.Rollover,
        bucket.Priority,
        bucket.ExpiresAt,
        bucket.RolledOver,
        bucket.Used,
        bucket.Held,
        bucket.NextReset);

    private static ReservationSnapshot SnapshotOf(Reservation reservation)
    {
        var grant = reservation.Grant;
        return new ReservationSnapshot(
            reservation.Id,
            reservation.SessionId,
            new ServiceSnapshot(reservation.Service.RatingGroup, Name(reservation.Service.Unit), reservation.Service.Zone),
            new GrantSnapshot(
                grant.ReservationId,
                Name(grant.Outcome),
                grant.Requested,
                grant.Granted,
                grant.FinalUnit,
                grant.ValidUntil,
                [.. grant.FromBuckets.Select(take => new BucketTakeSnapshot(take.BucketId, take.Units))],
                grant.FromMoney is { } money ? new MoneyHoldSnapshot(money.PriceId, money.Units, money.PriceUnits, money.Amount) : null),
            reservation.ExpiresAt);
    }

    private static MonetaryBalance MoneyOf(MoneySnapshot money) => new()
    {
        Mode = EnumOf<PaymentMode>(money.Mode),
        Currency = money.Currency,
        Credit = money.Credit,
        Debt = money.Debt,
        CreditLimit = money.CreditLimit,
        Unbilled = money.Unbilled,
        Held = money.Held,
    };

    /// <summary>The tariff, checked by its and its prices' constructors (currency, one price per rating group and unit, tiers).</summary>
    private static Tariff TariffOf(TariffSnapshot tariff) => new(
        tariff.Currency,
        [.. Required(tariff.Prices, "price list").Select(price => Required(price, "price")).Select(price => new UsagePrice(
            price.Id,
            [.. Required(price.RatingGroups, $"rating groups of price '{price.Id}'")],
            price.Currency,
            new UnitOfMeasure(price.PerSize, EnumOf<UsageUnit>(price.PerUnit)),
            [.. Required(price.Tiers, $"tiers of price '{price.Id}'").Select(tier => Required(tier, "tier")).Select(tier => new PriceTier(tier.From, tier.To, tier.Amount))]))]);

    private static Bucket BucketOf(BucketSnapshot? snapshot)
    {
        var bucket = Required(snapshot, "bucket");
        return new Bucket
        {
            Id = bucket.Id,
            Kind = EnumOf<BucketKind>(bucket.Kind),
            Unit = EnumOf<UsageUnit>(bucket.Unit),
            Amount = bucket.Amount,
            RatingGroups = [.. Required(bucket.RatingGroups, $"rating groups of bucket '{bucket.Id}'")],
            Zone = Required(bucket.Zone, $"zone of bucket '{bucket.Id}'"),
            Reset = EnumOf<ResetPeriod>(bucket.Reset),
            Rollover = bucket.Rollover,
            Priority = bucket.Priority,
            ExpiresAt = bucket.ExpiresAt,
            RolledOver = bucket.RolledOver,
            Used = bucket.Used,
            Held = bucket.Held,
            NextReset = bucket.NextReset,
        };
    }

    private static Reservation ReservationOf(ReservationSnapshot? snapshot)
    {
        var reservation = Required(snapshot, "reservation");
        var service = Required(reservation.Service, $"service of reservation '{reservation.Id}'");
        var grant = Required(reservation.Grant, $"grant of reservation '{reservation.Id}'");
        if (reservation.Id is null || reservation.SessionId is null || service.Zone is null || grant.ReservationId != reservation.Id)
        {
            throw new ArgumentException($"Reservation '{reservation.Id}' lacks its id, session or zone, or holds the grant of '{grant.ReservationId}'.");
        }

        var takes = Required(grant.FromBuckets, $"bucket takes of reservation '{reservation.Id}'")
            .Select(take => Required(take, "bucket take"))
            .Select(take => new BucketTake(Required(take.BucketId, "bucket take's bucket id"), take.Units));
        var money = grant.FromMoney is { } hold
            ? new MoneyHold(Required(hold.PriceId, "money hold's price id"), hold.Units, hold.PriceUnits, hold.Amount)
            : null;
        return new Reservation(
            reservation.Id,
            reservation.SessionId,
            new RatedService(service.RatingGroup, EnumOf<UsageUnit>(service.Unit), service.Zone),
            new Grant(grant.ReservationId, EnumOf<GrantOutcome>(grant.Outcome), grant.Requested, grant.Granted, grant.FinalUnit, grant.ValidUntil, [.. takes], money),
            reservation.ExpiresAt);
    }

    /// <summary>An enum value as a snapshot keeps it: by name.</summary>
    // Enum.GetName<TEnum> does not box the value (ToString on a type parameter does: an object a bucket a snapshot).
    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => Enum.GetName(value) ?? value.ToString();

    /// <summary>The enum value a snapshot names: exactly one of its names (no number, no other casing, no combination).</summary>
    private static TEnum EnumOf<TEnum>(string? name)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(name, ignoreCase: false, out var value) && Enum.IsDefined(value) && value.ToString() == name
            ? value
            : throw new ArgumentException($"'{name}' is not a {typeof(TEnum).Name}.");

    /// <summary>A part a snapshot read from JSON may lack (null where a list or a record belongs).</summary>
    private static T Required<T>(T? value, string what)
        where T : class => value ?? throw new ArgumentException($"The snapshot has no {what}.");
}
