using Dialtone.Charging.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Dialtone.Charging.Tests.Pools;

/// <summary>
/// A fault injected into the real charging grain storage: the next write of one charging account fails as a lost
/// database would fail it (nothing stored), every other grain's writes go through. Not a double: the storage under it is
/// the app's own.
/// </summary>
internal sealed class StorageFault
{
    private readonly Lock gate = new();
    private Guid? failNextWriteOf;

    /// <summary>Replaces the app's charging storage with the same storage behind this fault.</summary>
    public void Install(IServiceCollection services)
    {
        var original = services.Single(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, ChargingStorage.Name));
        var factory = original.KeyedImplementationFactory!;
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>(ChargingStorage.Name, (provider, key) => new FaultyStorage((IGrainStorage)factory(provider, key), this));
    }

    /// <summary>The next write of the account's state fails.</summary>
    public void FailNextWriteOf(Guid accountId)
    {
        lock (gate)
        {
            failNextWriteOf = accountId;
        }
    }

    private bool Fails(string stateName, GrainId grainId)
    {
        lock (gate)
        {
            if (stateName != "account" || failNextWriteOf != grainId.GetGuidKey())
            {
                return false;
            }

            failNextWriteOf = null;
            return true;
        }
    }

    private sealed class FaultyStorage(IGrainStorage inner, StorageFault fault) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            fault.Fails(stateName, grainId)
                ? Task.FromException(new InvalidOperationException("Injected: the charging store lost this write."))
                : inner.WriteStateAsync(stateName, grainId, grainState);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

        public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

        public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
    }
}
