using Dialtone.Charging.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialtone.Charging.Tests.Outbox;

/// <summary>The relay's settings are checked when the host starts: a value it cannot wait with is refused, naming the setting.</summary>
public sealed class OutboxSettings
{
    [Theory]
    [InlineData("Coalesce", "100")] // 100 days: a bare number is read as days
    [InlineData("Coalesce", "-00:00:01")]
    [InlineData("PollingInterval", "00:00:00")]
    [InlineData("BatchSize", "0")]
    public void AValueTheRelayCannotWaitWithIsRefusedNamingTheSetting(string name, string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bound(name, value));
        Assert.Contains($"{GrainOutboxOptions.Section}:{name}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultWindowIsATenthOfASecondAndAShorterOneIsTaken()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), Bound("PollingInterval", "00:00:01").Coalesce);
        Assert.Equal(TimeSpan.FromMilliseconds(5), Bound("Coalesce", "00:00:00.005").Coalesce);
    }

    private static GrainOutboxOptions Bound(string name, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{GrainOutboxOptions.Section}:{name}"] = value })
            .Build();
        var services = new ServiceCollection();
        GrainOutboxOptions.Register(services, configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GrainOutboxOptions>>().Value;
    }
}
