using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Outbox;

/// <summary>How the grain outbox is relayed (<c>Dialtone:Charging:Outbox</c>).</summary>
public sealed class GrainOutboxOptions
{
    public const string Section = "Dialtone:Charging:Outbox";

    /// <summary>How often the relay looks when no commit woke it (a commit that adds entries wakes it at once).</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the relay lets entries gather after a commit woke it, before it reads them: longer means fewer, larger
    /// passes (less work an entry under load) and entries handed on that much later (usage records, Nchf notifications,
    /// allowance events). 100 ms measured +13 % charging requests/s against none (bench/README, 2026-11-29, session 16).
    /// </summary>
    public TimeSpan Coalesce { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most entries read and handed to handlers at a time.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The wait before a kind whose handler failed is tried again; doubled with each failure in a row.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between tries of a failing kind.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Failed attempts after which an entry leaves the outbox for the dead letters (<c>/admin/charging/outboxDeadLetters</c>),
    /// so that one entry its handler cannot take never holds back the rest of its kind.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Binds the section and refuses, when the host starts, values the relay cannot wait with.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<GrainOutboxOptions>().Bind(configuration.GetSection(Section))
            .Validate(o => o.PollingInterval > TimeSpan.Zero && o.PollingInterval <= TimeSpan.FromHours(1),
                $"{Section}:PollingInterval is a time span above 0 and up to 1 hour, e.g. 00:00:01")
            .Validate(o => o.Coalesce >= TimeSpan.Zero && o.Coalesce <= TimeSpan.FromSeconds(10),
                $"{Section}:Coalesce is a time span from 0 to 10 seconds, e.g. 00:00:00.100 (a bare number is read as days)")
            .Validate(o => o.BatchSize > 0, $"{Section}:BatchSize is a whole number above 0")
            .ValidateOnStart();
}
