using System.Text;
using System.Text.Json.Nodes;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dialtone.Platform.Hub;

/// <summary>One event on its way to one listener.</summary>
/// <param name="ProtectedBody">The notification, still encrypted: it is decrypted only to be sent.</param>
public sealed record HubDelivery(string ApiName, string ListenerId, string EventId, string EventType, string ResourceId, long ResourceVersion, string ProtectedBody)
{
    public string PartitionKey => $"{ListenerId}/{ResourceId}";
}

/// <summary>A listener answered with something other than 2xx; the delivery is retried, then dead-lettered.</summary>
public sealed class HubDeliveryException(string message) : Exception(message);

/// <summary>Which module's database holds the listeners of which API.</summary>
public sealed class HubListenerDirectory(IServiceScopeFactory scopes)
{
    private readonly Dictionary<string, Type> contexts = new(StringComparer.Ordinal);

    public void Register<TDb>(string apiName)
        where TDb : ModuleDbContext => contexts[apiName] = typeof(TDb);

    public async Task<IReadOnlyList<HubListener>> ListenersAsync(string apiName, CancellationToken cancellationToken)
    {
        if (!contexts.TryGetValue(apiName, out var type))
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(type);
        return await db.HubListeners.AsNoTracking().Where(l => l.ApiName == apiName).ToListAsync(cancellationToken);
    }

    public async Task<HubListener?> FindAsync(string apiName, string listenerId, CancellationToken cancellationToken)
    {
        if (!contexts.TryGetValue(apiName, out var type))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(type);
        return await db.HubListeners.AsNoTracking().FirstOrDefaultAsync(l => l.Id == listenerId && l.ApiName == apiName, cancellationToken);
    }
}

/// <summary>Fans an event out to every listener of its API whose query it matches (a partner's listener: of the partner's own resources only).</summary>
public static class TmfEventFanOutHandler
{
    public static async Task<IEnumerable<HubDelivery>> Handle(TmfEventMessage message, HubListenerDirectory directory, PersonalDataProtector protector, CancellationToken cancellationToken)
    {
        var listeners = await directory.ListenersAsync(message.ApiName, cancellationToken);
        if (listeners.Count == 0)
        {
            return [];
        }

        var notification = JsonNode.Parse(protector.Unprotect(message.ProtectedBody))!;
        return listeners
            .Where(l => !l.IsScopedToOwner || l.Owner == message.ResourceOwner)
            .Where(l => HubQuery.Parse(l.Query).Matches(notification))
            .Select(l => new HubDelivery(message.ApiName, l.Id, message.EventId, message.EventType, message.ResourceId, message.ResourceVersion, message.ProtectedBody))
            .ToList();
    }
}

/// <summary>POSTs one event to one listener, signed with the listener's secret.</summary>
public static partial class HubDeliveryHandler
{
    public const string HttpClientName = "dialtone-hub";

    public static async Task Handle(HubDelivery delivery, HubListenerDirectory directory, IHttpClientFactory clients,
        IDataProtectionProvider protection, PersonalDataProtector personalData, ListenerCircuits circuits, TimeProvider clock, ILogger<HubDelivery> logger, CancellationToken cancellationToken)
    {
        circuits.EnsureClosed(delivery.ListenerId);
        var listener = await directory.FindAsync(delivery.ApiName, delivery.ListenerId, cancellationToken);
        if (listener is null)
        {
            LogListenerGone(logger, delivery.EventId, delivery.ListenerId);
            return;
        }

        var secret = protection.CreateProtector(HubEndpoints.ProtectorPurpose).Unprotect(listener.ProtectedSecret);
        var body = personalData.Unprotect(delivery.ProtectedBody);
        using var request = new HttpRequestMessage(HttpMethod.Post, listener.Callback)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(HubSignature.HeaderName, HubSignature.Sign(secret, body, clock.GetUtcNow()));
        request.Headers.Add("X-Dialtone-Event-Id", delivery.EventId);
        request.Headers.Add("X-Dialtone-Event-Type", delivery.EventType);
        // Lets a listener order events of one resource and drop a late one (a replayed dead letter, another node's delivery).
        request.Headers.Add("X-Dialtone-Resource-Version", delivery.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            if (circuits.Failed(listener.Id))
            {
                throw new ListenerUnavailableException(listener.Id, clock.GetUtcNow());
            }

            throw;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                if (circuits.Failed(listener.Id))
                {
                    throw new ListenerUnavailableException(listener.Id, clock.GetUtcNow());
                }

                throw new HubDeliveryException($"Listener {listener.Id} answered {(int)response.StatusCode} to event {delivery.EventId}.");
            }
        }

        circuits.Succeeded(listener.Id);
        LogDelivered(logger, delivery.EventId, delivery.ListenerId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered event {EventId} to listener {ListenerId}")]
    private static partial void LogDelivered(ILogger logger, string eventId, string listenerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped event {EventId}: listener {ListenerId} was removed")]
    private static partial void LogListenerGone(ILogger logger, string eventId, string listenerId);
}
