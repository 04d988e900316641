using System.Security.Cryptography;
using System.Text;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Rating;

namespace Dialtone.Charging.Tests.Nchf;

/// <summary>
/// Sessions store the fingerprint of the last request answered; a retransmission after an upgrade must hash to the value
/// an earlier version stored, or it would be refused as another request under an answered sequence number.
/// </summary>
public sealed class RetransmissionFingerprints
{
    [Fact]
    public void AFingerprintIsTheOneTheFirstVersionStored()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var call = RandomCall(random);

            Assert.True(FirstVersion(call) == ChargingCallFingerprint.Of(call), $"seed {seed}, call {i}: {Describe(call)}");
        }
    }

    [Fact]
    public void ARequestWithManyContainersOutgrowsTheFirstBuffer()
    {
        var call = new ChargingCall(ChargingOperation.Update, "ref", null, 7, null, null,
            [new UnitUsage(10, UsageUnit.Octet, new Measure(1, 0, 0), [.. Enumerable.Range(0, 200).Select(n => new UsedUnits(n, new Measure(long.MaxValue - n, n, -n)))])]);

        Assert.Equal(FirstVersion(call), ChargingCallFingerprint.Of(call));
    }

    [Fact]
    public void AnotherRequestHasAnotherFingerprint()
    {
        var call = new ChargingCall(ChargingOperation.Update, "ref", null, 7, null, null,
            [new UnitUsage(10, null, new Measure(0, 0, 0), [new UsedUnits(1, new Measure(100, 0, 0))])]);

        Assert.NotEqual(ChargingCallFingerprint.Of(call), ChargingCallFingerprint.Of(call with { Units = [call.Units[0] with { Used = [new UsedUnits(1, new Measure(101, 0, 0))] }] }));
        Assert.NotEqual(ChargingCallFingerprint.Of(call), ChargingCallFingerprint.Of(call with { Operation = ChargingOperation.Release }));
        Assert.Equal(ChargingCallFingerprint.Of(call), ChargingCallFingerprint.Of(call with { Sequence = 8, ChargingDataRef = "other" }));
    }

    /// <summary>The fingerprint as the first version computed it (a StringBuilder and the records' printing): the oracle.</summary>
    private static string FirstVersion(ChargingCall call)
    {
        var text = new StringBuilder().Append(call.Operation).Append('|').Append(call.OneTime);
        foreach (var usage in call.Units)
        {
            text.Append('|').Append(usage.RatingGroup).Append(':').Append(usage.Unit).Append(':').Append(usage.Requested);
            foreach (var container in usage.Used)
            {
                text.Append(';').Append(container.LocalSequence).Append('=').Append(container.Units);
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 12);
    }

    private static ChargingCall RandomCall(Random random)
    {
        var units = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new UnitUsage(
            random.Next(-5, 100_000),
            random.Next(4) switch { 0 => null, 1 => UsageUnit.Octet, 2 => UsageUnit.Second, _ => UsageUnit.Event },
            random.Next(3) == 0 ? null : RandomMeasure(random),
            [.. Enumerable.Range(0, random.Next(0, 5)).Select(_ => new UsedUnits(random.NextInt64(-1, long.MaxValue), RandomMeasure(random)))])).ToList();
        return new ChargingCall((ChargingOperation)random.Next(3), "ref", null, random.Next(), null, null, units, (OneTimeEvent)random.Next(3));
    }

    private static Measure RandomMeasure(Random random) =>
        new(random.Next(3) == 0 ? 0 : random.NextInt64(long.MinValue, long.MaxValue), random.Next(2) == 0 ? 0 : random.Next(), random.Next(-3, 3));

    private static string Describe(ChargingCall call) => string.Join(" ", call.Units.Select(u => $"{u.RatingGroup}/{u.Unit}/{u.Requested}/{u.Used.Count}"));
}
