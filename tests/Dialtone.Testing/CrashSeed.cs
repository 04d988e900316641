namespace Dialtone.Testing;

/// <summary>The seed of a crash test: <c>DIALTONE_CRASH_SEED</c> when set (to replay a failure), else a new one; always printed.</summary>
public static class CrashSeed
{
    public const string Variable = "DIALTONE_CRASH_SEED";

    public static int Pick(Action<string> print)
    {
        ArgumentNullException.ThrowIfNull(print);
        var seed = Environment.GetEnvironmentVariable(Variable) is { } fixedSeed
            ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        print($"seed {seed} (set {Variable} to replay)");
        return seed;
    }
}
