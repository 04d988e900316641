namespace Dialtone.Testing;

/// <summary>The inotify watches a process holds, read from Linux's <c>/proc</c> (CI's Debian, the product's images).</summary>
public static class FileWatches
{
    /// <summary>One line per watch (<c>inotify wd:… ino:… mask:…</c>), over every inotify descriptor of the process.</summary>
    public static IReadOnlyList<string> Of(int processId)
    {
        var watches = new List<string>();
        foreach (var descriptor in new DirectoryInfo($"/proc/{processId}/fd").EnumerateFileSystemInfos())
        {
            if (descriptor.LinkTarget == "anon_inode:inotify")
            {
                try
                {
                    watches.AddRange(File.ReadAllLines($"/proc/{processId}/fdinfo/{descriptor.Name}").Where(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)));
                }
                catch (FileNotFoundException)
                {
                    // Closed since it was listed: it watches nothing now.
                }
            }
        }

        return watches;
    }
}
