using BenchmarkDotNet.Attributes;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Storage;

namespace Dialtone.Bench.Micro;

/// <summary>
/// Serialising a charging account state before its write, as the grain store does with every charging request: the
/// state a charging load run left (bench/run-charging-load.sh, 300 subscribers: an account keeps its 32 newest
/// tombstones), with every tombstone encoded again against each encoded once and reused.
/// </summary>
[MemoryDiagnoser]
public class AccountStateWrite
{
    private ChargingAccountState state = null!;

    [GlobalSetup]
    public void Load()
    {
        var json = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "AccountState32Tombstones.json"));
        state = JsonGrainStateSerializer.Default.Deserialize<ChargingAccountState>(new BinaryData(json));
        state.Migrate();
    }

    [Benchmark(Baseline = true)]
    public BinaryData EveryTombstoneEncoded()
    {
        foreach (var session in state.Sessions.Values)
        {
            session.Stored = null;
        }

        return JsonGrainStateSerializer.Default.Serialize(state);
    }

    [Benchmark]
    public BinaryData TombstonesEncodedOnce() => JsonGrainStateSerializer.Default.Serialize(state);
}
