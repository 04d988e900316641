using System.Text.Json;
using Dialtone.Charging.Nchf;
using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Grains;

/// <summary>
/// Notifications to the consumers of open sessions (TS 32.291 <c>chargingNotification</c> to the create's
/// <c>notifyUri</c>): <c>REAUTHORIZATION</c> when what can be granted changed (an add-on, a top-up, a plan change, which
/// also released the reservations), <c>ABORT_CHARGING</c> when the line is barred or terminated. Each is an entry of the
/// state's outbox, so it exists exactly when the change that caused it was written, and is sent once by the relay.
/// </summary>
internal sealed partial class ChargingAccountGrain
{
    private void NotifyOpenSessions(string cause, string notificationType, DateTimeOffset now)
    {
        foreach (var session in Account.Sessions.Values.Where(s => s.EndedAt is null && s.NotifyUri is not null))
        {
            var groups = session.Reservations.Keys.Union(session.LastContainers.Keys).Order().ToList();
            var notification = new NchfNotification(session.NotifyUri!, session.Ref, notificationType,
                notificationType == NchfNotification.Reauthorization ? groups : []);
            Account.Outbox.Add(new GrainOutboxEntry($"{session.Ref}/{cause}/{notificationType}", NchfNotification.Kind,
                JsonSerializer.Serialize(notification, NchfNotification.Json), now));
        }
    }
}
