namespace Dialtone.LegacySim.Tests;

/// <summary>
/// A stand-in watches no file. The server starts its stand-ins in its own working directory, which holds its data
/// directory; the configuration's file watcher over that directory (it watches every subdirectory) woke each stand-in
/// for every page the server wrote to a database's log.
/// </summary>
[Collection(LegacySimCollection.Name)]
public sealed class StandinFileWatches(LegacySimFixture fixture)
{
    [Fact]
    public void TheStandInHoldsNoInotifyWatch() => Assert.Empty(FileWatches.Of(fixture.Legacy.ProcessId));
}
