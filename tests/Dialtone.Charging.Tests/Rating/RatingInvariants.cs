using static Dialtone.Charging.Tests.Rating.Accounts;

namespace Dialtone.Charging.Tests.Rating;

/// <summary>
/// The invariants, checked over seeded random sequences of reservations, reports, releases and session ends on
/// one account: a grant never exceeds what is available; every reported unit is debited once (from a bucket, with money,
/// or recorded unpriced); buckets never go below zero; money charged equals the credit and debt it moved.
/// </summary>
public sealed class RatingInvariants
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2026)]
    public void HoldOverAnySequenceOfOperations(int seed)
    {
        var random = new Random(seed);
        const decimal credit = 2m;
        var wallet = Prepaid(credit, AddOn("boost", amount: 30 * MB), Plan("plan", amount: 50 * MB), Pool("family", amount: 40 * MB));
        var services = new[] { Data, Voice, Sms };
        var open = new Dictionary<string, (string Session, RatedService Service, long Granted)>();
        long reported = 0, accounted = 0, debited = 0;
        var charged = 0m;
        var now = T0;

        for (var step = 0; step < 400; step++)
        {
            now = now.AddSeconds(random.Next(1, 20));
            var session = $"s{random.Next(4)}";
            var service = services[random.Next(services.Length)];
            switch (random.Next(4))
            {
                case 0 or 1 when open.Values.All(r => r.Session != session || r.Service != service):
                {
                    var available = wallet.ConsumptionOrderOf(service).Select(id => wallet.Bucket(id).Available).Sum();
                    var spendable = wallet.Money.Spendable!.Value;
                    var units = service == Data ? random.Next(1, 8) * MB + random.Next(1_000) : random.Next(1, 200);
                    var grant = wallet.Reserve(new ReserveRequest($"r{step}", session, service, units, TimeSpan.FromMinutes(2), now));
                    Assert.InRange(grant.Granted, 0, units);
                    Assert.InRange(grant.FromBuckets.Sum(take => take.Units), 0, available);
                    Assert.InRange(grant.FromMoney?.Amount ?? 0m, 0m, spendable);
                    if (grant.Granted > 0)
                    {
                        open[$"r{step}"] = (session, service, grant.Granted);
                    }

                    break;
                }

                case 2 when open.Count > 0:
                {
                    var (id, reservation) = open.ElementAt(random.Next(open.Count));
                    var used = Math.Max(0, reservation.Granted + random.Next(-3, 2) * (reservation.Service == Data ? MB : 10));
                    var settlement = wallet.Commit(new UsageReport(id, reservation.Session, reservation.Service, used, now));
                    open.Remove(id);
                    reported += used;
                    accounted += settlement.Debits.Sum(d => d.Units) + (settlement.Charge?.Units ?? 0) + settlement.Unpriced;
                    debited += settlement.Debits.Sum(d => d.Units);
                    charged += settlement.Charge?.Amount ?? 0m;
                    break;
                }

                default:
                    foreach (var id in wallet.CloseSession(session, now))
                    {
                        open.Remove(id);
                    }

                    break;
            }

            foreach (var expired in open.Keys.Where(id => wallet.Reservations.All(r => r.Id != id)).ToList())
            {
                open.Remove(expired);
            }

            Assert.All(wallet.Buckets, bucket => Assert.True(bucket.Used >= 0 && bucket.Held >= 0 && bucket.Used + bucket.Held <= bucket.Amount));
            Assert.All(wallet.Buckets, bucket => Assert.Equal(
                wallet.Reservations.SelectMany(r => r.Grant.FromBuckets).Where(take => take.BucketId == bucket.Id).Sum(take => take.Units), bucket.Held));
            Assert.Equal(wallet.Reservations.Sum(r => r.Grant.FromMoney?.Amount ?? 0m), wallet.Money.Held);
            Assert.True(wallet.Money.Credit >= 0 && wallet.Money.Debt >= 0);
            Assert.Equal(reported, accounted);
            Assert.Equal(debited, wallet.Buckets.Sum(bucket => bucket.Used));
            Assert.Equal(charged, credit - wallet.Money.Credit + wallet.Money.Debt);
        }

        Assert.True(reported > 0 && charged > 0, $"seed {seed} exercised too little: {reported} units, {charged} EUR");
        foreach (var session in new[] { "s0", "s1", "s2", "s3" })
        {
            wallet.CloseSession(session, now);
        }

        Assert.All(wallet.Buckets, bucket => Assert.Equal(0, bucket.Held));
        Assert.Equal(0m, wallet.Money.Held);
    }
}
