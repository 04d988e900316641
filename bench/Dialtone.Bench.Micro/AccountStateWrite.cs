using BenchmarkDotNet.Attributes;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Storage;

namespace Dialtone.Bench.Micro;

/// <summary>
/// What the grain store serialises for a charging account's write, as it does with every charging request: the state a
/// charging load run left (bench/run-charging-load.sh, 300 subscribers: an account keeps its 32 newest tombstones).
/// <list type="bullet">
/// <item><see cref="EveryTombstoneEncoded"/>: the account's row with its tombstones, each encoded again (until 2b9abf1).</item>
/// <item><see cref="TombstonesEncodedOnce"/>: the same bytes, tombstones encoded once and reused (2b9abf1).</item>
/// <item><see cref="TombstonesApart"/>: the account's row alone, the tombstones unchanged and so not written (schema 4).</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class AccountStateWrite
{
    private ChargingAccountState state = null!;
    private ChargingTombstones tombstones = null!;

    [GlobalSetup]
    public void Load()
    {
        var json = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "AccountState32Tombstones.json"));
        state = JsonGrainStateSerializer.Default.Deserialize<ChargingAccountState>(new BinaryData(json));
        ((IHasColdPart)state).LoadColdPart(null, JsonGrainStateSerializer.Default);
        state.Migrate();
        tombstones = new ChargingTombstones { Sessions = state.Sessions.Where(pair => pair.Value.EndedAt is not null).ToDictionary(StringComparer.Ordinal) };
        // As after the account's last write: its tombstones stored.
        ((IHasColdPart)state).ColdPartStored(((IHasColdPart)state).ChangedColdPart(JsonGrainStateSerializer.Default)!);
    }

    [Benchmark(Baseline = true)]
    public int EveryTombstoneEncoded()
    {
        foreach (var session in state.Sessions.Values)
        {
            session.Stored = null;
        }

        return TombstonesEncodedOnce();
    }

    [Benchmark]
    public int TombstonesEncodedOnce() =>
        JsonGrainStateSerializer.Default.Serialize(state).ToMemory().Length + JsonGrainStateSerializer.Default.Serialize(tombstones).ToMemory().Length;

    [Benchmark]
    public int TombstonesApart() =>
        JsonGrainStateSerializer.Default.Serialize(state).ToMemory().Length
        + (((IHasColdPart)state).ChangedColdPart(JsonGrainStateSerializer.Default)?.Payload.Length ?? 0);
}
