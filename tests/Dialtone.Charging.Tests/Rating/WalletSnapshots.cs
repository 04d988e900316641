using System.Text.Json;
using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>
/// ADR 0011, Snapshot: the charging grain keeps a wallet as the JSON of <see cref="Wallet.Snapshot"/> and rebuilds it with
/// <see cref="Wallet.Restore"/>; the rebuilt wallet is the same state, field by field, and behaves exactly like the original.
/// </summary>
public sealed class WalletSnapshots
{
    private static readonly JsonSerializerOptions[] BothOptions = [JsonSerializerOptions.Default, JsonSerializerOptions.Web];

    /// <summary>What the random sequences use: every demo service, and one (rating group 40) that nothing serves.</summary>
    private static readonly RatedService[] Services = [Data, EuData, Voice, WorldVoice, Sms, new(40, UsageUnit.Octet)];

    public static TheoryData<string, Func<Wallet>> States => new()
    {
        { "new and empty", () => Prepaid(0m) },
        { "prepaid with debt", PrepaidWithDebt },
        { "postpaid with a credit limit, unbilled usage and held money", PostpaidWithUnbilledUsage },
        { "a tiered price mid-tier, with a reservation across the tier's end", MidTier },
        { "rolled-over, one-off, daily and unlimited buckets after a reset", AfterARollover },
        { "open reservations holding buckets and money", OpenReservations },
        { "carries of several sessions and rating groups", Carries },
        { "times with an offset and a cycle day past the month's end", OffsetTimes },
    };

    [Theory, MemberData(nameof(States))]
    public void AStateRoundTripsThroughJsonFieldByField(string state, Func<Wallet> account)
    {
        var original = account();
        var snapshot = original.Snapshot();

        foreach (var options in BothOptions)
        {
            var json = JsonSerializer.Serialize(snapshot, options);
            var read = JsonSerializer.Deserialize<WalletSnapshot>(json, options)!;
            var restored = Wallet.Restore(read);

            Assert.Equivalent(snapshot, read, strict: true);
            Assert.Equivalent(snapshot, restored.Snapshot(), strict: true);
            Assert.True(json == JsonSerializer.Serialize(restored.Snapshot(), options), state);
            Assert.Equivalent(original.Money, restored.Money, strict: true);
            Assert.Equivalent(original.Tariff, restored.Tariff, strict: true);
            Assert.Equivalent(original.Buckets, restored.Buckets, strict: true);
            Assert.Equivalent(original.Reservations, restored.Reservations, strict: true);
            Assert.Equal((original.CycleDay, original.CycleEnd, original.CycleEnd.Offset), (restored.CycleDay, restored.CycleEnd, restored.CycleEnd.Offset));
        }
    }

    [Fact]
    public void TheStateIsWhatTheTableSays()
    {
        var debt = PrepaidWithDebt().Money;
        Assert.Equal((0m, 0.006m), (debt.Credit, debt.Debt));
        var postpaid = PostpaidWithUnbilledUsage().Money;
        Assert.Equal((1.5m, 0.9m, 5m), (postpaid.Unbilled, postpaid.Held, postpaid.CreditLimit!.Value));
        var midTier = MidTier();
        Assert.Equal((9_998L, 4L), (midTier.ChargedThisCycle(BusinessData.Id), midTier.Reservations.Single().Grant.FromMoney!.PriceUnits));
        Assert.Equal(0.004m * 2 + 0.002m * 2, midTier.Money.Held);
        var rolled = AfterARollover();
        Assert.Equal(["plan", "boost", "daily-sms", "world", "plan/rollover/2026-12-01T00:00:00Z"], rolled.Buckets.Select(bucket => bucket.Id));
        var open = OpenReservations();
        Assert.Equal((3, 5 * MB, 0.235m), (open.Reservations.Count, open.Buckets.Sum(bucket => bucket.Held), open.Money.Held));
        var carries = Carries();
        Assert.Equal((50L, MB - 1, 50L, MB - 1), (carries.Carry("a", 20), carries.Carry("a", 10), carries.Carry("b", 20), carries.Carry("b", 11)));
        var offset = OffsetTimes().Reservations.Single();
        Assert.Equal((TimeSpan.FromHours(5.5), 5 * GB + (10 + 200) * MB), (offset.ExpiresAt.Offset, offset.Grant.Granted));
    }

    [Fact]
    public void EnumsAreKeptByNameAndFieldsFollowTheOptionsNaming()
    {
        var snapshot = OpenReservations().Snapshot();

        var json = JsonSerializer.Serialize(snapshot);
        var web = JsonSerializer.Serialize(snapshot, JsonSerializerOptions.Web);

        Assert.Contains("\"SchemaVersion\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"Kind\":\"AddOn\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Mode\":\"Prepaid\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"Granted\"", web, StringComparison.Ordinal);
        Assert.Contains("\"reset\":\"BillingCycle\"", web, StringComparison.Ordinal);
    }

    /// <summary>
    /// A version 1 snapshot as the grain stores it (web options): it must restore as long as the engine claims version 1.
    /// When this test breaks, the stored format changed: raise <see cref="WalletSnapshot.CurrentSchemaVersion"/> and migrate.
    /// </summary>
    [Fact]
    public void AStoredVersionOneSnapshotRestores()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };

        var wallet = Wallet.Restore(JsonSerializer.Deserialize<WalletSnapshot>(StoredVersionOne, options)!);

        Assert.Equal(StoredVersionOne.ReplaceLineEndings("\n"), JsonSerializer.Serialize(wallet.Snapshot(), options).ReplaceLineEndings("\n"));
        Assert.Equivalent(StoredVersionOneWallet().Snapshot(), wallet.Snapshot(), strict: true);
        Assert.Equivalent(StoredVersionOneWallet().Reservations.Single().Grant, wallet.Reserve("r1", Data, 15 * MB, T0.AddMinutes(1), session: "a"), strict: true);
        var grant = wallet.Reserve("r2", Data, 5 * MB, T0.AddMinutes(1), session: "c");
        Assert.Equal((GrantOutcome.Granted, 5L, 0.01m), (grant.Outcome, grant.FromMoney!.PriceUnits, grant.FromMoney.Amount));
    }

    [Fact]
    public void ASnapshotIsACopyThatLaterOperationsDoNotChange()
    {
        var wallet = OpenReservations();
        var snapshot = wallet.Snapshot();
        var before = JsonSerializer.Serialize(snapshot);

        wallet.Commit("d1", Data, 12 * MB);
        wallet.Reserve("d2", Data, MB, T0.AddMinutes(1));
        wallet.TopUp(5m, T0.AddMinutes(1));
        wallet.AddBucket(Plan("more"), T0.AddMinutes(2));
        wallet.Advance(CycleEnd.AddMonths(1));

        Assert.Equal(before, JsonSerializer.Serialize(snapshot));
    }

    [Fact]
    public void ARestoredWalletSharesNothingWithItsSnapshot()
    {
        var json = JsonSerializer.Serialize(OpenReservations().Snapshot());
        var snapshot = JsonSerializer.Deserialize<WalletSnapshot>(json)!;
        var wallet = Wallet.Restore(snapshot);

        ((List<int>)snapshot.Buckets[0].RatingGroups).Clear();
        ((List<BucketTakeSnapshot>)snapshot.Reservations[0].Grant.FromBuckets).Clear();
        ((List<PriceTierSnapshot>)snapshot.Tariff.Prices[0].Tiers).Clear();
        ((List<BucketSnapshot>)snapshot.Buckets).Clear();

        Assert.Equal(json, JsonSerializer.Serialize(wallet.Snapshot()));
    }

    [Fact]
    public void ARestoreAppliesNothingTheNextOperationAppliesWhatTimeDidAsOnTheOriginal()
    {
        var original = AfterARollover();
        original.Reserve("d1", Data, 3 * MB, CycleEnd.AddHours(2));
        var later = CycleEnd.AddMonths(1).AddDays(4);

        var restored = Wallet.Restore(JsonSerializer.Deserialize<WalletSnapshot>(JsonSerializer.Serialize(original.Snapshot()))!);

        Assert.Equal(original.Bucket("daily-sms").NextReset, restored.Bucket("daily-sms").NextReset);
        Assert.Equal(original.CycleEnd, restored.CycleEnd);
        var elapsed = restored.Advance(later);
        Assert.Equivalent(original.Advance(later), elapsed, strict: true);
        Assert.Equal(["d1"], elapsed.ExpiredReservations);
        Assert.Equal(["plan", "daily-sms", "world"], elapsed.ResetBuckets);
        Assert.Equal(["boost", "plan/rollover/2026-12-01T00:00:00Z"], elapsed.ExpiredBuckets);
        Assert.True(elapsed.CycleEnded);
        Assert.Equal(JsonSerializer.Serialize(original.Snapshot()), JsonSerializer.Serialize(restored.Snapshot()));
    }

    public static TheoryData<string, Func<WalletSnapshot, WalletSnapshot>> Faults => new()
    {
        { "another schema version", s => s with { SchemaVersion = 2 } },
        { "no schema version", s => s with { SchemaVersion = 0 } },
        { "a cycle day out of range", s => s with { CycleDay = 32 } },
        { "a cycle end off the cycle day", s => s with { CycleEnd = s.CycleEnd.AddDays(1) } },
        { "a cycle end off midnight", s => s with { CycleEnd = s.CycleEnd.AddHours(1) } },
        { "no money", s => s with { Money = null! } },
        { "money in another currency", s => s with { Money = s.Money with { Currency = "USD" } } },
        { "negative credit", s => s with { Money = s.Money with { Credit = -1m } } },
        { "an unknown payment mode", s => s with { Money = s.Money with { Mode = "Prepay" } } },
        { "a payment mode by number", s => s with { Money = s.Money with { Mode = "0" } } },
        { "a payment mode in other casing", s => s with { Money = s.Money with { Mode = "prepaid" } } },
        { "a price in another currency", s => s with { Tariff = s.Tariff with { Prices = [s.Tariff.Prices[0] with { Currency = "USD" }, .. s.Tariff.Prices.Skip(1)] } } },
        { "two prices for one rating group", s => s with { Tariff = s.Tariff with { Prices = [.. s.Tariff.Prices, s.Tariff.Prices[0] with { Id = "again" }] } } },
        { "tiers that do not start at 0", s => s with { Tariff = s.Tariff with { Prices = [s.Tariff.Prices[0] with { Tiers = [new PriceTierSnapshot(1, null, 1m)] }] } } },
        { "a unit of measure of size 0", s => s with { Tariff = s.Tariff with { Prices = [s.Tariff.Prices[0] with { PerSize = 0 }] } } },
        { "no bucket list", s => s with { Buckets = null! } },
        { "a bucket id twice", s => s with { Buckets = [.. s.Buckets, s.Buckets[0]] } },
        { "a bucket used beyond its amount", s => s with { Buckets = [s.Buckets[0] with { Used = s.Buckets[0].Amount!.Value }, .. s.Buckets.Skip(1)] } },
        { "a bucket serving no rating group", s => s with { Buckets = [s.Buckets[0] with { RatingGroups = [] }, .. s.Buckets.Skip(1)] } },
        { "an unknown bucket kind", s => s with { Buckets = [s.Buckets[0] with { Kind = "Boost" }, .. s.Buckets.Skip(1)] } },
        { "a reservation id twice", s => s with { Reservations = [.. s.Reservations, s.Reservations[0]] } },
        { "two reservations of a session for one rating group", s => s with { Reservations = [.. s.Reservations, s.Reservations[0] with { Id = "r9", Grant = s.Reservations[0].Grant with { ReservationId = "r9" } }] } },
        { "the grant of another reservation", s => s with { Reservations = [s.Reservations[0] with { Id = "r9" }] } },
        { "a tier count twice", s => s with { ChargedThisCycle = [new ChargedUnitsSnapshot("calls", 1), new ChargedUnitsSnapshot("calls", 2)] } },
        { "a zero carry", s => s with { Carries = [new CarrySnapshot("s1", 10, 0)] } },
        { "a carry twice", s => s with { Carries = [new CarrySnapshot("s1", 10, 5), new CarrySnapshot("s1", 10, 6)] } },
    };

    [Theory, MemberData(nameof(Faults))]
    public void ARestoreRefusesAStateNoWalletCanBeIn(string fault, Func<WalletSnapshot, WalletSnapshot> spoil)
    {
        var snapshot = OpenReservations().Snapshot();
        Wallet.Restore(snapshot);

        var refused = Record.Exception(() => Wallet.Restore(spoil(snapshot)));

        Assert.True(refused is ArgumentException, $"{fault}: {refused?.GetType().Name ?? "restored"}");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"SchemaVersion":1,"CycleDay":1,"CycleEnd":"2026-12-01T00:00:00+00:00"}""")]
    [InlineData("""{"SchemaVersion":1,"CycleDay":1,"CycleEnd":"2026-12-01T00:00:00+00:00","Money":{"Mode":"Prepaid","Currency":"EUR"},"Tariff":{"Currency":"EUR","Prices":[]}}""")]
    public void ASnapshotLackingPartsIsRefused(string json) =>
        Assert.ThrowsAny<ArgumentException>(() => Wallet.Restore(JsonSerializer.Deserialize<WalletSnapshot>(json)!));

    /// <summary>
    /// Seeded random sequences of every operation over several days across a bill cycle's end: before each operation a
    /// twin is restored from the JSON of the original's snapshot (default and web options in turn); the operation's result
    /// or exception, and the state after it, must be the same for the original and the twin. A failure names its seed and steps;
    /// <see cref="Twins"/> with that seed replays it.
    /// </summary>
    [Fact]
    public void ATwinRestoredBeforeAnyOperationBehavesExactlyLikeTheOriginal()
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        for (var seed = 1; seed <= 200; seed++)
        {
            try
            {
                Twins(seed, steps: 40, seen);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed}: {e}");
            }
        }

        string[] exercised =
        [
            "cycle ended", "bucket reset", "rolled over", "bucket gone", "reservation expired", "debt", "unbilled", "carry", "money held",
            "bucket held", "past a tier's end", "Granted", "Exhausted", "NotOffered", "final unit", "granted again", "unpriced",
            "beyond the grant", "threshold", "debt paid", "ArgumentException", "ArgumentOutOfRangeException", "InvalidOperationException",
        ];
        Assert.True(!exercised.Except(seen).Any(), $"the sequences never exercised {string.Join(", ", exercised.Except(seen))}");
    }

    /// <summary>One random sequence of <paramref name="steps"/> operations, each applied to the original and to a twin restored just before it.</summary>
    private static void Twins(int seed, int steps, SortedSet<string> seen)
    {
        var random = new Random(seed);
        var cycleDay = new[] { 1, 15, 31 }[random.Next(3)];
        var offset = random.Next(2) == 0 ? TimeSpan.Zero : TimeSpan.FromHours(-5);
        var now = ResetSchedule.NextCycleStart(T0, cycleDay).AddHours(-random.Next(12, 72)).AddSeconds(random.Next(3_600)).ToOffset(offset);
        var wallet = RandomWallet(random, cycleDay, now);
        var log = new List<string>();
        var snapshot = wallet.Snapshot();
        var json = JsonSerializer.Serialize(snapshot);
        for (var step = 0; step < steps; step++)
        {
            var options = BothOptions[(seed + step) % 2];
            var stored = options == JsonSerializerOptions.Default ? json : JsonSerializer.Serialize(snapshot, options);
            var twin = Wallet.Restore(JsonSerializer.Deserialize<WalletSnapshot>(stored, options)!);

            now = Later(random, now);
            var (name, operation) = RandomOperation(random, wallet, now, step);
            log.Add(name);
            if (wallet.Reservations.Any(reservation => reservation.ExpiresAt <= now))
            {
                seen.Add("reservation expired");
            }

            var open = wallet.Reservations.Select(reservation => reservation.Grant).ToList();
            var expected = Outcome(wallet, operation, seen);
            _ = name.StartsWith("reserve", StringComparison.Ordinal) && open.Any(grant => JsonSerializer.Serialize(grant) == expected) && seen.Add("granted again");
            var next = wallet.Snapshot();
            var after = JsonSerializer.Serialize(next);
            var actual = Outcome(twin, operation, seen: null);
            var twinAfter = JsonSerializer.Serialize(twin.Snapshot());
            string Restored() => $"the twin, restored with {(options == JsonSerializerOptions.Web ? "web" : "default")} options as\n"
                + $"{JsonSerializer.Serialize(Wallet.Restore(JsonSerializer.Deserialize<WalletSnapshot>(stored, options)!).Snapshot())}\nfrom\n{json}\n";
            Check(actual == expected, seed, log, () => $"{Restored()}answered\n{actual}\nthe original\n{expected}");
            Check(twinAfter == after, seed, log, () => $"{Restored()}is left as\n{twinAfter}\nthe original as\n{after}");
            Check(JsonSerializer.Serialize(snapshot) == json, seed, log, () => "the operation changed the snapshot taken before it");
            Observe(snapshot, next, wallet, seen);
            (snapshot, json) = (next, after);
        }
    }

    private static Wallet RandomWallet(Random random, int cycleDay, DateTimeOffset now)
    {
        var money = random.Next(2) == 0
            ? MonetaryBalance.Prepaid(Eur, random.Next(0, 300) / 100m)
            : MonetaryBalance.Postpaid(Eur, random.Next(3) == 0 ? null : random.Next(0, 500) / 100m);
        var tariff = random.Next(3) switch
        {
            0 => PayAsYouGo,
            1 => new Tariff(Eur, [BusinessData, Calls]),
            _ => new Tariff(Eur, [DataPrice]),
        };
        var charged = tariff.Prices.Any(price => price.Id == BusinessData.Id) ? new Dictionary<string, long> { [BusinessData.Id] = random.Next(9_950, 10_000) } : null;
        Bucket[] candidates =
        [
            AddOn("boost", amount: random.Next(5, 40) * MB, expiresAt: now.AddHours(random.Next(1, 96))),
            Plan("plan", amount: random.Next(10, 60) * MB, used: random.Next(0, 10) * MB, rollover: random.Next(2) == 0),
            Pool("family", amount: random.Next(10, 40) * MB),
            Allowance("minutes", BucketKind.Plan, random.Next(100, 600), ResetPeriod.Week, rollover: random.Next(2) == 0, service: Voice),
            Allowance("daily-sms", BucketKind.Plan, 5, ResetPeriod.Day, service: Sms),
            Allowance("world", BucketKind.AddOn, null, ResetPeriod.None, expiresAt: now.AddDays(2), zone: "World", service: WorldVoice),
        ];
        return new Wallet(cycleDay, money, tariff, [.. candidates.Where(_ => random.Next(3) > 0)], now, charged);
    }

    /// <summary>Mostly seconds or minutes apart, sometimes hours, now and then a day: 40 steps span about four days.</summary>
    private static DateTimeOffset Later(Random random, DateTimeOffset now) => random.Next(10) switch
    {
        < 6 => now.AddSeconds(random.Next(0, 600)),
        < 9 => now.AddMinutes(random.Next(10, 240)),
        _ => now.AddHours(random.Next(6, 30)),
    };

    /// <summary>An operation drawn from the wallet's state; it captures plain values only, so it applies alike to a twin.</summary>
    private static (string Name, Func<Wallet, object?> Apply) RandomOperation(Random random, Wallet wallet, DateTimeOffset now, int step)
    {
        var open = wallet.Reservations.ToList();
        var session = $"s{random.Next(3)}";
        var at = random.Next(15) == 0 ? now.AddMinutes(-random.Next(1, 120)) : now;
        var service = Services[random.Next(Services.Length)];
        var units = service.Unit == UsageUnit.Octet ? (random.Next(0, 20) * MB) + random.Next(1, 1_000) : random.Next(1, 300);
        var validity = TimeSpan.FromMinutes(random.Next(1, 180));
        switch (random.Next(12))
        {
            case < 4 when open.Count > 0 && random.Next(4) == 0:
            {
                var again = open[random.Next(open.Count)];
                var request = new ReserveRequest(again.Id, again.SessionId, again.Service, again.Grant.Requested + random.Next(2), validity, at);
                return ($"reserve {request}", w => w.Reserve(request));
            }

            case < 4:
            {
                var request = new ReserveRequest($"r{step}", session, service, units, validity, at);
                return ($"reserve {request}", w => w.Reserve(request));
            }

            case < 7 when open.Count > 0 && random.Next(5) > 0:
            {
                var settled = open[random.Next(open.Count)];
                var delta = settled.Service.Unit == UsageUnit.Octet ? (random.Next(-3, 3) * MB) + random.Next(-500, 500) : random.Next(-60, 60);
                var report = new UsageReport(settled.Id, random.Next(10) == 0 ? "intruder" : settled.SessionId, settled.Service,
                    Math.Max(0, settled.Grant.Granted + delta), at);
                return ($"commit {report}", w => w.Commit(report));
            }

            case < 7:
            {
                var report = new UsageReport($"u{step}", session, service, units, at);
                return ($"commit {report}", w => w.Commit(report));
            }

            case 7:
            {
                var id = open.Count > 0 && random.Next(4) > 0 ? open[random.Next(open.Count)].Id : $"u{step}";
                return ($"release {id} at {at:O}", w => w.Release(id, at));
            }

            case 8:
                return ($"close {session} at {at:O}", w => w.CloseSession(session, at));
            case 9:
            {
                var amount = random.Next(0, 500) / 100m;
                return ($"top up {amount} at {at:O}", w => w.TopUp(amount, at));
            }

            case 10:
            {
                var id = random.Next(6) == 0 && wallet.Buckets.Count > 0 ? wallet.Buckets[random.Next(wallet.Buckets.Count)].Id : $"b{step}";
                var amount = random.Next(1, 30) * MB;
                var hours = random.Next(1, 72);
                Func<Bucket> bucket = random.Next(4) switch
                {
                    0 => () => AddOn(id, amount: amount, expiresAt: at.AddHours(hours)),
                    1 => () => Allowance(id, BucketKind.Plan, amount, ResetPeriod.Day, rollover: true),
                    2 => () => Allowance(id, BucketKind.AddOn, null, ResetPeriod.Month, service: Voice),
                    _ => () => Allowance(id, BucketKind.SharedPool, 50, ResetPeriod.Week, service: Sms, expiresAt: at.AddHours(hours)),
                };
                return ($"add bucket {id} at {at:O}", w =>
                {
                    w.AddBucket(bucket(), at);
                    return null;
                });
            }

            default:
                return ($"advance to {at:O}", w => w.Advance(at));
        }
    }

    /// <summary>The operation's result as JSON, or its exception's type and message.</summary>
    private static string Outcome(Wallet wallet, Func<Wallet, object?> operation, SortedSet<string>? seen)
    {
        try
        {
            var result = operation(wallet);
            seen ??= [];
            switch (result)
            {
                case Grant grant:
                    seen.Add(grant.Outcome.ToString());
                    _ = grant.FinalUnit && seen.Add("final unit");
                    break;
                case Settlement settlement:
                    _ = settlement.Unpriced > 0 && seen.Add("unpriced");
                    _ = settlement.BeyondGrant > 0 && seen.Add("beyond the grant");
                    _ = settlement.Thresholds.Count > 0 && seen.Add("threshold");
                    break;
                case decimal paid when paid > 0:
                    seen.Add("debt paid");
                    break;
            }

            return result is null ? "done" : JsonSerializer.Serialize(result, result.GetType());
        }
        catch (Exception e)
        {
            seen?.Add(e.GetType().Name);
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>What the operation did to the wallet, to tell whether the sequences reach every rule.</summary>
    private static void Observe(WalletSnapshot before, WalletSnapshot after, Wallet wallet, SortedSet<string> seen)
    {
        string?[] facts =
        [
            wallet.CycleEnd != before.CycleEnd ? "cycle ended" : null,
            before.Buckets.Any(bucket => wallet.Find(bucket.Id) is null) ? "bucket gone" : null,
            before.Buckets.Any(bucket => wallet.Find(bucket.Id) is { } now && now.NextReset != bucket.NextReset) ? "bucket reset" : null,
            wallet.Buckets.Any(bucket => bucket.RolledOver) ? "rolled over" : null,
            wallet.Money.Debt > 0 ? "debt" : null,
            wallet.Money.Unbilled > 0 ? "unbilled" : null,
            wallet.Money.Held > 0 ? "money held" : null,
            wallet.Buckets.Any(bucket => bucket.Held > 0) ? "bucket held" : null,
            after.Carries.Count > 0 ? "carry" : null,
            wallet.ChargedThisCycle(BusinessData.Id) > 10_000 ? "past a tier's end" : null,
        ];
        seen.UnionWith(facts.OfType<string>());
    }

    /// <summary>Fails naming the seed and the steps so far (the message is only made on failure: the sequences are many).</summary>
    private static void Check(bool holds, int seed, List<string> log, Func<string> what)
    {
        if (!holds)
        {
            Assert.Fail($"seed {seed}, step {log.Count - 1} ({log[^1]}): {what()}\nsteps:\n{string.Join("\n", log)}");
        }
    }

    private static Wallet PrepaidWithDebt()
    {
        var wallet = Prepaid(0.004m, Plan("plan", amount: 10 * MB));
        wallet.Commit("d1", Data, 12 * MB);
        return wallet;
    }

    private static Wallet PostpaidWithUnbilledUsage()
    {
        var wallet = Postpaid(5m, PayAsYouGo, Plan("plan", amount: 10 * MB));
        wallet.Commit("d1", Data, 310 * MB);
        wallet.Reserve("v1", Voice, 600, session: "s2");
        return wallet;
    }

    private static Wallet MidTier()
    {
        var wallet = new Wallet(1, MonetaryBalance.Postpaid(Eur, 100m), new Tariff(Eur, [BusinessData, Calls]), [], T0,
            new Dictionary<string, long> { [BusinessData.Id] = 9_988 });
        wallet.Commit("d1", Data, 10 * MB, session: "a");
        wallet.Reserve("d2", Data, 4 * MB, session: "b");
        return wallet;
    }

    private static Wallet AfterARollover()
    {
        var wallet = Prepaid(1m,
            Plan("plan", amount: 10 * MB, used: 6 * MB, rollover: true),
            AddOn("boost", amount: 5 * MB, expiresAt: CycleEnd.AddDays(3)),
            Allowance("daily-sms", BucketKind.Plan, 10, ResetPeriod.Day, used: 3, service: Sms),
            Allowance("world", BucketKind.AddOn, null, ResetPeriod.Week, zone: "World", service: WorldVoice));
        wallet.Advance(CycleEnd.AddHours(1));
        wallet.Commit("s1", Sms, 4, CycleEnd.AddHours(1));
        wallet.Commit("v1", WorldVoice, 4_000, CycleEnd.AddHours(1));
        return wallet;
    }

    private static Wallet OpenReservations()
    {
        var wallet = Prepaid(2m, AddOn("boost", amount: 3 * MB), Plan("plan", amount: 4 * MB, used: 2 * MB));
        wallet.Reserve("d1", Data, 10 * MB);
        wallet.Reserve("v1", Voice, 90, session: "s2");
        wallet.Reserve("e1", EuData, 5 * MB + 1, session: "s3", validity: TimeSpan.FromMinutes(5));
        return wallet;
    }

    private static Wallet Carries()
    {
        var wallet = Prepaid(5m);
        wallet.Commit("v1", Voice, 10, session: "a");
        wallet.Commit("d1", Data, MB + 1, session: "a");
        wallet.Commit("v2", Voice, 130, session: "b");
        wallet.Commit("e1", EuData, 1, session: "b");
        return wallet;
    }

    private static Wallet OffsetTimes()
    {
        var at = new DateTimeOffset(2027, 2, 10, 9, 15, 30, TimeSpan.FromHours(5.5)).AddTicks(1234);
        var wallet = new Wallet(31, MonetaryBalance.Prepaid(Eur, 1m), PayAsYouGo, [Plan("plan", amount: 10 * MB), AddOn("boost", expiresAt: at.AddDays(2))], at);
        wallet.Reserve("d1", Data, 12 * GB, at.AddMinutes(1), validity: TimeSpan.FromMinutes(7));
        return wallet;
    }

    private static Wallet StoredVersionOneWallet()
    {
        var wallet = new Wallet(1, MonetaryBalance.Postpaid(Eur, 10m), new Tariff(Eur, [BusinessData]),
            [Plan("plan", amount: 10 * MB), AddOn("boost", amount: 4 * MB, expiresAt: T0.AddDays(10))], T0,
            new Dictionary<string, long> { [BusinessData.Id] = 9_999 });
        wallet.Reserve("r1", Data, 15 * MB, session: "a");
        wallet.Commit("d1", Data, MB + 1, session: "b");
        return wallet;
    }

    private const string StoredVersionOne = """
        {
          "schemaVersion": 1,
          "cycleDay": 1,
          "cycleEnd": "2026-12-01T00:00:00+00:00",
          "money": {
            "mode": "Postpaid",
            "currency": "EUR",
            "credit": 0,
            "debt": 0,
            "creditLimit": 10,
            "unbilled": 0.006,
            "held": 0.004
          },
          "tariff": {
            "currency": "EUR",
            "prices": [
              {
                "id": "business-data",
                "ratingGroups": [
                  10,
                  11
                ],
                "currency": "EUR",
                "perSize": 1000000,
                "perUnit": "Octet",
                "tiers": [
                  {
                    "from": 0,
                    "to": 10000,
                    "amount": 0.004
                  },
                  {
                    "from": 10000,
                    "to": 50000,
                    "amount": 0.002
                  },
                  {
                    "from": 50000,
                    "to": null,
                    "amount": 0.001
                  }
                ]
              }
            ]
          },
          "buckets": [
            {
              "id": "plan",
              "kind": "Plan",
              "unit": "Octet",
              "amount": 10000000,
              "ratingGroups": [
                10
              ],
              "zone": "home",
              "reset": "BillingCycle",
              "rollover": false,
              "priority": 0,
              "expiresAt": null,
              "rolledOver": false,
              "used": 0,
              "held": 10000000,
              "nextReset": "2026-12-01T00:00:00+00:00"
            },
            {
              "id": "boost",
              "kind": "AddOn",
              "unit": "Octet",
              "amount": 4000000,
              "ratingGroups": [
                10
              ],
              "zone": "EU",
              "reset": "None",
              "rollover": false,
              "priority": 0,
              "expiresAt": "2026-11-25T12:00:00+00:00",
              "rolledOver": false,
              "used": 0,
              "held": 4000000,
              "nextReset": null
            }
          ],
          "reservations": [
            {
              "id": "r1",
              "sessionId": "a",
              "service": {
                "ratingGroup": 10,
                "unit": "Octet",
                "zone": "home"
              },
              "grant": {
                "reservationId": "r1",
                "outcome": "Granted",
                "requested": 15000000,
                "granted": 15000000,
                "finalUnit": false,
                "validUntil": "2026-11-15T13:00:00+00:00",
                "fromBuckets": [
                  {
                    "bucketId": "boost",
                    "units": 4000000
                  },
                  {
                    "bucketId": "plan",
                    "units": 10000000
                  }
                ],
                "fromMoney": {
                  "priceId": "business-data",
                  "units": 1000000,
                  "priceUnits": 1,
                  "amount": 0.004
                }
              },
              "expiresAt": "2026-11-15T13:00:30+00:00"
            }
          ],
          "chargedThisCycle": [
            {
              "priceId": "business-data",
              "priceUnits": 10001
            }
          ],
          "carries": [
            {
              "sessionId": "b",
              "ratingGroup": 10,
              "units": 999999
            }
          ]
        }
        """;
}
