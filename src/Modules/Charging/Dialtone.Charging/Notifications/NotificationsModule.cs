using Dialtone.Charging.Outbox;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Notifications;

/// <summary>
/// Allowance notifications (issue 5: 80 % and 100 %): crossings relayed from the grain outbox, published as
/// <see cref="Contracts.AllowanceThresholdReached"/>, kept per party for self-service and mailed through identity.
/// </summary>
internal static class NotificationsModule
{
    public static IServiceCollection AddChargingNotifications(this IServiceCollection services) =>
        services.AddSingleton<IGrainOutboxHandler, AllowanceThresholdRelay>();

    public static IEndpointRouteBuilder MapChargingNotifications(this IEndpointRouteBuilder endpoints) => endpoints.MapMyNotifications();
}
