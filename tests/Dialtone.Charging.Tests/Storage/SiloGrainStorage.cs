using System.Net;
using System.Net.Sockets;
using Dialtone.Charging.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Dialtone.Charging.Tests.Storage;

public interface IStoredCounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    Task<int> Get();

    Task Reset();
}

public sealed class StoredCounter
{
    public int Value { get; set; }
}

public sealed class StoredCounterGrain([PersistentState("counter", "charging")] IPersistentState<StoredCounter> counter) : Grain, IStoredCounterGrain
{
    public async Task<int> Add(int amount)
    {
        counter.State.Value += amount;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Value);

    public Task Reset() => counter.ClearStateAsync();
}

/// <summary>The storage as grains meet it: registered by name on a real (in-process) silo that starts, stops and starts again.</summary>
public sealed class SiloGrainStorage
{
    public static TheoryData<StorageDatabase> All => StorageUnderTest.Databases;

    [Theory, MemberData(nameof(All))]
    public async Task GrainsOfASiloKeepTheirStateAcrossARestart(StorageDatabase database)
    {
        await using var place = new StorageUnderTest(database);
        using (var silo = await StartSiloAsync(place))
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                var grain = grains.GetGrain<IStoredCounterGrain>($"counter-{i}");
                for (var add = 0; add < 3; add++)
                {
                    await grain.Add(1);
                }
            }));
            await grains.GetGrain<IStoredCounterGrain>("counter-0").Reset();

            var storage = Assert.IsType<BatchingGrainStorage>(silo.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("charging"));
            Assert.Equal(301, storage.CommittedWrites);
            await silo.StopAsync();
        }

        using (var silo = await StartSiloAsync(place))
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            Assert.Equal(0, await grains.GetGrain<IStoredCounterGrain>("counter-0").Get());
            for (var i = 1; i < 100; i++)
            {
                Assert.Equal(3, await grains.GetGrain<IStoredCounterGrain>($"counter-{i}").Get());
            }

            // The cleared grain writes again after its tombstone.
            Assert.Equal(5, await grains.GetGrain<IStoredCounterGrain>("counter-0").Add(5));
            await silo.StopAsync();
        }
    }

    private static async Task<IHost> StartSiloAsync(StorageUnderTest place)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddBatchingGrainStorage("charging", place.Configure));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
