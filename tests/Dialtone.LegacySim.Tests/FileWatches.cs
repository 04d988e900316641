namespace Dialtone.LegacySim.Tests;

/// <summary>
/// A stand-in watches no file. The server starts its stand-ins in its own working directory, which holds its data
/// directory; the configuration's file watcher over that directory (it watches every subdirectory) woke each stand-in
/// for every page the server wrote to a database's log. Read from Linux's <c>/proc</c> (CI's Debian, the product's images).
/// </summary>
[Collection(LegacySimCollection.Name)]
public sealed class FileWatches(LegacySimFixture fixture)
{
    [Fact]
    public void TheStandInHoldsNoInotifyWatch()
    {
        var process = fixture.Legacy.ProcessId;
        var watches = new List<string>();
        foreach (var descriptor in new DirectoryInfo($"/proc/{process}/fd").EnumerateFileSystemInfos())
        {
            if (descriptor.LinkTarget == "anon_inode:inotify")
            {
                watches.AddRange(File.ReadLines($"/proc/{process}/fdinfo/{descriptor.Name}").Where(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)));
            }
        }

        Assert.Empty(watches);
    }
}
