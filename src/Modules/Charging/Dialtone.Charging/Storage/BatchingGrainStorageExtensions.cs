using Dialtone.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;

namespace Dialtone.Charging.Storage;

/// <summary>Registers the batching grain storage of the charging grains as a named Orleans grain storage provider.</summary>
public static class BatchingGrainStorageExtensions
{
    /// <summary>
    /// Adds a grain storage named <paramref name="name"/> that commits many grains' writes in one transaction, on SQLite
    /// (default <c>{DataDirectory}/charging/grains.db</c>) or PostgreSQL (<c>charging.grain_state</c>). Grains use it with
    /// <c>[PersistentState("stateName", name)]</c>. Its table is created when the silo starts.
    /// </summary>
    public static ISiloBuilder AddBatchingGrainStorage(this ISiloBuilder builder, string name, Action<ChargingStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBatchingGrainStorage(name, configure);
        return builder;
    }

    /// <inheritdoc cref="AddBatchingGrainStorage(ISiloBuilder, string, Action{ChargingStorageOptions})"/>
    public static IServiceCollection AddBatchingGrainStorage(this IServiceCollection services, string name, Action<ChargingStorageOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ChargingStorageOptions>(name).Configure(configure);
        // The store itself is a keyed singleton of its own type, so that the outbox relay reaches it even when something
        // wraps the grain storage registration (the tests' fault injection does).
        services.AddKeyedSingleton(name, static (provider, key) => new BatchingGrainStorage(
            (string)key!,
            provider.GetRequiredService<IOptionsMonitor<ChargingStorageOptions>>().Get((string)key!),
            provider.GetRequiredService<ILogger<BatchingGrainStorage>>(),
            provider.GetService<IOptions<DialtoneOptions>>()?.Value.DataDirectory,
            provider.GetService<IActivatorProvider>()));
        return services.AddGrainStorage(name, static (provider, key) => provider.GetRequiredKeyedService<BatchingGrainStorage>(key));
    }
}
