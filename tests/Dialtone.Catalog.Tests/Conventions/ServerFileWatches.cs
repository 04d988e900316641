namespace Dialtone.Catalog.Tests.Conventions;

/// <summary>
/// The server watches no directory: its configuration files are polled. Started where its appsettings.json is (its
/// content root is then its working directory), it keeps its data directory there by default, and a watcher of the
/// content root watches every directory under it, so each page written to a database's log would wake it.
/// </summary>
public sealed class ServerFileWatches
{
    [Fact]
    public async Task AServerStartedBesideItsSettingsFileHoldsNoInotifyWatch()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dialtone-watches", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Path.Combine(directory, "appsettings.json"));
        try
        {
            await using var server = new ServerProcess(directory, new Dictionary<string, string>());
            await server.StartAsync();
            Assert.True(Directory.Exists(Path.Combine(directory, "data")));
            Assert.Empty(FileWatches.Of(server.ProcessId!.Value));
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }
}
