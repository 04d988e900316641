using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Platform.Persistence;

/// <summary>The one database every module shares (each with its own tables or schema), as configured.</summary>
public sealed class DialtoneDatabase
{
    public DialtoneDatabase(IOptions<DialtoneOptions> options, IConfiguration configuration)
        : this(options.Value, configuration)
    {
    }

    /// <summary>For configuration time, before the container exists (Wolverine's message storage).</summary>
    public DialtoneDatabase(DialtoneOptions settings, IConfiguration configuration)
    {
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

    /// <summary>Which of a module's two DbContexts (one migration set per provider) this database uses.</summary>
    public Type ContextFor<TSqlite, TPostgres>()
        where TSqlite : DbContext
        where TPostgres : DbContext => IsSqlite ? typeof(TSqlite) : typeof(TPostgres);

    /// <summary>Points a module's DbContext at this database, its migrations kept apart per module and provider.</summary>
    public void Configure(DbContextOptionsBuilder builder, string module)
    {
        builder.ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, PersonalData.ProtectorAwareModelCacheKeyFactory>();
        builder.AddInterceptors(Tmf.Documents.TmfDocumentChanges.Instance);
        if (IsSqlite)
        {
            builder.AddInterceptors(SecureDelete.Instance);
            // A list in a query (ids.Contains(x)) as one JSON parameter (json_each), not EF Core 10's default of one
            // parameter per element: SQLite binds parameters by name with a linear scan, so n elements cost n² string
            // comparisons — 7.4 ms for a query of 900 ids against 1.5 ms (bench/README, 2026-11-29 session 18).
            builder.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable($"{module}___ef_migrations")
                    .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .ConfigureWarnings(warnings => warnings.Ignore(SqliteEventId.SchemaConfiguredWarning));
        }
        else
        {
            builder.UseNpgsql(ConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations", module));
        }
    }
}

public static class ProviderDbContexts
{
    /// <summary>
    /// Registers a module's DbContext the way every module needs it: one subclass per provider (each with its own
    /// migrations), both wired to Wolverine's EF Core outbox and pointed at this database under the module's name, and the
    /// base type resolving to the one the configured provider uses.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext, TSqlite, TPostgres>(this IServiceCollection services, string module)
        where TContext : ModuleDbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        services.AddDbContextWithWolverineIntegration<TSqlite>((provider, options) => provider.GetRequiredService<DialtoneDatabase>().Configure(options, module));
        services.AddDbContextWithWolverineIntegration<TPostgres>((provider, options) => provider.GetRequiredService<DialtoneDatabase>().Configure(options, module));
        return services.AddProviderSpecificDbContext<TContext, TSqlite, TPostgres>();
    }

    /// <summary>
    /// Resolves a module's DbContext base type to its provider-specific subclass (registered by the module, each with
    /// its own migrations), so the module's code asks only for <typeparamref name="TContext"/>.
    /// </summary>
    public static IServiceCollection AddProviderSpecificDbContext<TContext, TSqlite, TPostgres>(this IServiceCollection services)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext =>
        services.AddScoped<TContext>(provider =>
            (TContext)provider.GetRequiredService(provider.GetRequiredService<DialtoneDatabase>().ContextFor<TSqlite, TPostgres>()));
}

