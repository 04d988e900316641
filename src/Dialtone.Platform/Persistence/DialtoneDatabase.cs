using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Persistence;

/// <summary>The one database every module shares (each with its own tables or schema), as configured.</summary>
public sealed class DialtoneDatabase
{
    public DialtoneDatabase(IOptions<DialtoneOptions> options, IConfiguration configuration)
    {
        var settings = options.Value;
        Provider = settings.Database.Provider;
        DataDirectory = Path.GetFullPath(settings.DataDirectory);
        var configured = configuration.GetConnectionString("Dialtone");
        if (Provider == DatabaseProvider.Postgres)
        {
            ConnectionString = string.IsNullOrWhiteSpace(configured)
                ? throw new InvalidOperationException("Dialtone:Database:Provider is Postgres but ConnectionStrings:Dialtone is not set.")
                : configured;
        }
        else
        {
            Directory.CreateDirectory(DataDirectory);
            var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
                ? $"Data Source={Path.Combine(DataDirectory, "dialtone.db")}"
                : configured)
            {
                Pooling = true,
                DefaultTimeout = 30,
            };
            ConnectionString = builder.ToString();
        }
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public string DataDirectory { get; }

    public bool IsSqlite => Provider == DatabaseProvider.Sqlite;

    /// <summary>Points a module's DbContext at this database, its migrations kept apart per module and provider.</summary>
    public void Configure(DbContextOptionsBuilder builder, string module)
    {
        if (IsSqlite)
        {
            builder.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable($"{module}___ef_migrations"))
                .ConfigureWarnings(warnings => warnings.Ignore(SqliteEventId.SchemaConfiguredWarning));
        }
        else
        {
            builder.UseNpgsql(ConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations", module));
        }
    }
}
