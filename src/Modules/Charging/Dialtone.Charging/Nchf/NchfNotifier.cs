using System.Diagnostics.Metrics;
using System.Threading.Channels;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Platform.Hub;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Charging.Nchf;

/// <summary>A notification to send to a session's consumer: where, for which session, what, and for which rating groups.</summary>
public sealed record NchfNotification(string NotifyUri, string ChargingDataRef, string NotificationType, IReadOnlyList<int> RatingGroups)
{
    /// <summary>The outbox kind.</summary>
    public const string Kind = "nchf-notification";

    public const string Reauthorization = "REAUTHORIZATION";

    public const string AbortCharging = "ABORT_CHARGING";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>TS 32.291 ChargingNotifyRequest.</summary>
internal sealed record ChargingNotifyRequest(
    [property: JsonPropertyName("notificationType")] string NotificationType,
    [property: JsonPropertyName("reauthorizationDetails")] IReadOnlyList<ReauthorizationDetails>? ReauthorizationDetails);

/// <summary>TS 32.291 ReauthorizationDetails: the rating group whose quota to ask again.</summary>
internal sealed record ReauthorizationDetails([property: JsonPropertyName("ratingGroup")] int RatingGroup);

/// <summary>
/// Sends the grains' Nchf notifications (outbox kind <see cref="NchfNotification.Kind"/>) to the consumers' notifyUri.
/// A notification is worth something for moments only (an SMF that misses one asks again when its quota's validity
/// ends), so the relay hands them over to this sender's own queue and goes on with other kinds at once: a slow or dead
/// consumer never holds up usage records or voucher credits. Each session's notifications go out in order (an abort is
/// never overtaken by an older reauthorization), sessions in parallel; each is tried a few times at once
/// (<see cref="ChargingOptions.NotifyAttempts"/>, short timeout) and then given up with a warning and a metric. The
/// queue lives in memory: notifications queued when the process dies are lost, like ones given up. The consumer's
/// answer 2xx is success; 404 means it no longer knows the session (it is done with it).
/// </summary>
internal sealed partial class NchfNotifier(IHttpClientFactory clients, IOptionsMonitor<ChargingOptions> options, ILogger<NchfNotifier> logger)
    : BackgroundService, IGrainOutboxHandler
{
    public const string HttpClientName = "nchf-notify";

    private const int QueueLength = 10_000;

    private static readonly Counter<long> Sent = ChargingStorageMetrics.Meter.CreateCounter<long>("dialtone.charging.notifications.sent", description: "Nchf notifications the consumer took");
    private static readonly Counter<long> Abandoned = ChargingStorageMetrics.Meter.CreateCounter<long>("dialtone.charging.notifications.abandoned", description: "Nchf notifications given up after their tries, or dropped from a full queue");

    private readonly Channel<IReadOnlyList<NchfNotification>> queue = Channel.CreateBounded<IReadOnlyList<NchfNotification>>(
        new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false, SingleReader = false },
        dropped => Abandoned.Add(dropped.Count));

    public string Kind => NchfNotification.Kind;

    public Task HandleAsync(IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken)
    {
        var notifications = entries.Select(entry => JsonSerializer.Deserialize<NchfNotification>(entry.Payload, NchfNotification.Json))
            .OfType<NchfNotification>();
        foreach (var session in notifications.GroupBy(notification => notification.ChargingDataRef, StringComparer.Ordinal))
        {
            queue.Writer.TryWrite([.. session]);
        }

        return Task.CompletedTask;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(queue.Reader.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken },
            async (session, ct) =>
            {
                foreach (var notification in session)
                {
                    await SendAsync(notification, ct);
                }
            });

    private async Task SendAsync(NchfNotification notification, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        // Checked again at sending, against the list as configured now (it follows a configuration reload): a session
        // opened before its host left the list (or before the list existed) must not reach it now.
        if (!OutboundHosts.Allows(settings.AllowedNotifyHosts, notification.NotifyUri))
        {
            Abandoned.Add(1);
            LogAbandoned(logger, notification.NotificationType, notification.ChargingDataRef, 0, "host not on Dialtone:Charging:AllowedNotifyHosts");
            return;
        }

        var body = new ChargingNotifyRequest(notification.NotificationType,
            notification.RatingGroups.Count == 0 ? null : [.. notification.RatingGroups.Select(group => new ReauthorizationDetails(group))]);
        var client = clients.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.NotifyTimeout);
                using var response = await client.PostAsJsonAsync(notification.NotifyUri, body, timeout.Token);
                if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    Sent.Add(1);
                    LogSent(logger, notification.NotificationType, notification.ChargingDataRef, (int)response.StatusCode);
                    return;
                }

                failure = $"status {(int)response.StatusCode}";
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                failure = exception.GetType().Name;
            }

            if (attempt >= settings.NotifyAttempts)
            {
                Abandoned.Add(1);
                LogAbandoned(logger, notification.NotificationType, notification.ChargingDataRef, attempt, failure);
                return;
            }

            await Task.Delay(settings.NotifyRetryDelay * attempt, cancellationToken);
            settings = options.CurrentValue;
            if (!OutboundHosts.Allows(settings.AllowedNotifyHosts, notification.NotifyUri))
            {
                // Taken off the list between two tries.
                Abandoned.Add(1);
                LogAbandoned(logger, notification.NotificationType, notification.ChargingDataRef, attempt, "host not on Dialtone:Charging:AllowedNotifyHosts");
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Nchf {NotificationType} for {ChargingDataRef} taken by the consumer ({Status})")]
    private static partial void LogSent(ILogger logger, string notificationType, string chargingDataRef, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nchf {NotificationType} for {ChargingDataRef} given up after {Attempts} tries ({Failure}); the consumer asks again when its quota expires")]
    private static partial void LogAbandoned(ILogger logger, string notificationType, string chargingDataRef, int attempts, string failure);
}
