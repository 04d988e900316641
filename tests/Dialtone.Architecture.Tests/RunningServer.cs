using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Architecture.Tests;

/// <summary>The server started in-process on an empty SQLite database in a temp directory, to read the endpoints it maps.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes a class fixture through IAsyncLifetime.DisposeAsync.")]
public sealed class RunningServer : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "dialtone-architecture-tests", Guid.NewGuid().ToString("N"));
    private readonly WebApplicationFactory<Program> factory = new();

    public IReadOnlyList<Endpoint> Endpoints { get; private set; } = [];

    public IAuthorizationPolicyProvider Policies { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(dataDirectory);
        var configured = factory.WithWebHostBuilder(builder => builder
            .UseSetting("Dialtone:DataDirectory", dataDirectory)
            .UseSetting("Dialtone:SeedDemoData", "false")
            .UseSetting("Logging:LogLevel:Default", "Warning"));
        configured.StartServer();
        Endpoints = configured.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        Policies = configured.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Disposing the factory also stops the host of the factory configured from it.
        await factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }
}
