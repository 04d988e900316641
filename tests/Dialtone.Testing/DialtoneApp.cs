using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Dialtone.Testing;

/// <summary>The database a test app runs on.</summary>
public enum TestDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Dialtone in-process on the real HTTP pipeline, with its own fresh database (a temp SQLite file, or a new PostgreSQL
/// database when <see cref="PostgresConnectionVariable"/> is set), a fake clock that advances 1 ms per reading, the
/// development auth scheme, and retry/polling intervals in milliseconds.
/// </summary>
public sealed class DialtoneApp : WebApplicationFactory<Program>
{
    /// <summary>An admin connection string to a PostgreSQL server; when set, every API test also runs on PostgreSQL.</summary>
    public const string PostgresConnectionVariable = "DIALTONE_TEST_POSTGRES";

    /// <summary>Where the portal client may send authorization codes in tests.</summary>
    public const string PortalRedirectUri = "http://127.0.0.1/callback";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "dialtone-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> settings;
    private readonly string? postgresDatabase;
    private readonly Action<IServiceCollection>? testServices;

    /// <param name="database">SQLite or PostgreSQL.</param>
    /// <param name="overrides">Settings over the test defaults (another node of the same database passes its data directory or connection string).</param>
    /// <param name="ownsDatabase">False for a second node on another app's database: it neither creates nor drops one.</param>
    /// <param name="services">Replaces services for the test (a double for what cannot exist here).</param>
    public DialtoneApp(TestDatabase database = TestDatabase.Sqlite, IDictionary<string, string?>? overrides = null, bool ownsDatabase = true, Action<IServiceCollection>? services = null)
    {
        testServices = services;
        Database = database;
        Directory.CreateDirectory(directory);
        settings = new Dictionary<string, string?>
        {
            ["Dialtone:DataDirectory"] = directory,
            ["Dialtone:SeedDemoData"] = "false",
            // Tests start the stand-ins of the outside world themselves when they need them (StandinProcess).
            ["Dialtone:Standins:Start"] = "false",
            ["Dialtone:Auth:DevelopmentScheme"] = "true",
            ["Dialtone:Hub:AllowedCallbackHosts:0"] = "127.0.0.1",
            ["Dialtone:Hub:RetryDelays:0"] = "00:00:00.020",
            ["Dialtone:Hub:RetryDelays:1"] = "00:00:00.050",
            ["Dialtone:Hub:RetryDelays:2"] = "00:00:00.100",
            ["Dialtone:Hub:DeliveryTimeout"] = "00:00:05",
            ["Dialtone:Hub:RecoveryPollingInterval"] = "00:00:00.250",
            ["Dialtone:Idempotency:InProgressLease"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Dialtone:Identity:RequireHttps"] = "false",
            ["Dialtone:Identity:PortalRedirectUris:0"] = PortalRedirectUri,
            ["Dialtone:Identity:RequestsPerWindow"] = "100000",
            // Every test app hosts its own Orleans silo: free ports, and no h2c listener (TestServer has no sockets).
            ["Dialtone:Charging:SiloPort"] = "0",
            ["Dialtone:Charging:SbiPort"] = "0",
            ["Dialtone:Charging:Outbox:PollingInterval"] = "00:00:00.050",
            ["Dialtone:Charging:Outbox:Coalesce"] = "00:00:00.005",
            ["Dialtone:Charging:NotifyRetryDelay"] = "00:00:00.020",
            ["Dialtone:Charging:AllowedNotifyHosts:0"] = "127.0.0.1",
            // Generous: a consumer answering late on a loaded machine would otherwise be sent the same notification
            // again (at least once, by design) and a test counting notifications would see two.
            ["Dialtone:Charging:NotifyTimeout"] = "00:00:10",
            ["Dialtone:Charging:Outbox:RetryDelay"] = "00:00:00.020",
            ["Dialtone:Charging:Outbox:MaxRetryDelay"] = "00:00:00.200",
        };
        if (database == TestDatabase.Postgres)
        {
            settings["Dialtone:Database:Provider"] = "Postgres";
            if (ownsDatabase)
            {
                postgresDatabase = "dialtone_test_" + Guid.NewGuid().ToString("N")[..12];
                settings["ConnectionStrings:Dialtone"] = CreatePostgresDatabase(postgresDatabase);
            }
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
    }

    public TestDatabase Database { get; }

    /// <summary>Everything the app logged at Error or above.</summary>
    public CapturedErrors Errors { get; } = new();

    /// <summary>Every log line the app wrote (after redaction).</summary>
    public CapturedLogs Logs { get; } = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public string DataDirectory => settings["Dialtone:DataDirectory"]!;

    /// <summary>The PostgreSQL connection string of this app's database (null on SQLite).</summary>
    public string? ConnectionString => settings.GetValueOrDefault("ConnectionStrings:Dialtone");

    /// <summary>Whether PostgreSQL tests can run here.</summary>
    public static bool PostgresAvailable => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresConnectionVariable));

    /// <summary>The databases API tests run on: SQLite always, PostgreSQL when configured.</summary>
    public static IEnumerable<TestDatabase> Databases => PostgresAvailable ? [TestDatabase.Sqlite, TestDatabase.Postgres] : [TestDatabase.Sqlite];

    /// <summary>A client authenticated as <paramref name="subject"/> with <paramref name="roles"/> (the development scheme).</summary>
    public HttpClient ClientAs(string subject, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", $"{subject}:{string.Join(',', roles)}");
        return client;
    }

    /// <summary>
    /// Polls <c>/health/ready</c> until it answers 200 (migrated, reference data loaded, the database answering); the
    /// last answer when it never did within <paramref name="timeout"/> (60 s by default).
    /// </summary>
    public async Task<HttpResponseMessage> WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var response = await client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode || DateTime.UtcNow >= deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(20);
        }
    }

    public HttpClient ProductManager() => ClientAs("pm-1", "productManager");

    public HttpClient Admin() => ClientAs("admin-1", "admin");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // A singleton (a hosted service, say) that captures a scoped service fails the test's start, not production.
        // Not ValidateOnBuild as well: building every registration's call site at each of the suite's app starts cost minutes.
        builder.UseDefaultServiceProvider(options => options.ValidateScopes = true);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Errors).AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            testServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (postgresDatabase is not null)
        {
            await DropPostgresDatabaseAsync(postgresDatabase);
        }

        TryDelete(directory);
        GC.SuppressFinalize(this);
    }

    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string CreatePostgresDatabase(string name)
    {
        var admin = Environment.GetEnvironmentVariable(PostgresConnectionVariable)!;
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static async Task DropPostgresDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresConnectionVariable));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }
}
