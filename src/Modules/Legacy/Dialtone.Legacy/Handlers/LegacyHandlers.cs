using System.Diagnostics;
using System.Text.Json.Nodes;
using Dialtone.Inventory.Contracts;
using Dialtone.Legacy.Features.Propagation;
using Dialtone.Legacy.Persistence;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Hub;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Legacy.Handlers;

/// <summary>
/// Captures the changes legacy must learn from the TMF events the parties module writes to the durable outbox in the
/// transaction of each change (TMF632 individual: contact data and address; TMF629 customer: status; TMF637 product:
/// plan, written by inventory in the transaction of a completed order's changes): a change of a
/// person imported from legacy becomes a <see cref="LegacyChange"/> and a <see cref="PropagateLegacyChange"/> message,
/// committed together in the legacy module's outbox. People who never came from legacy are left alone. Public because
/// Wolverine generates the code that calls handlers (it runs beside the hub's fan-out of the same event).
/// </summary>
public static partial class LegacyChangeCaptureHandler
{
    public static async Task Handle(TmfEventMessage message, IServiceScopeFactory scopes, PersonalDataProtector protector, TimeProvider clock,
        ILogger<PropagateLegacyChange> logger, CancellationToken cancellationToken)
    {
        var kind = (message.ApiName, message.ResourceType) switch
        {
            ("party", "individual") => LegacyChangeKinds.Contact,
            ("customerManagement", "customer") => LegacyChangeKinds.Status,
            // A product's offering changes only in an attribute value change (a completed modify order); its state
            // changes and its creation are not plan changes.
            ("productInventory", "product") when message.EventType.EndsWith("AttributeValueChangeEvent", StringComparison.Ordinal) => LegacyChangeKinds.Plan,
            _ => null,
        };
        if (kind is null || message.EventType.EndsWith("DeleteEvent", StringComparison.Ordinal))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var records = scope.ServiceProvider.GetRequiredService<ICustomerRecords>();
        var record = kind switch
        {
            LegacyChangeKinds.Contact => await records.FindByPartyAsync(message.ResourceId, cancellationToken),
            LegacyChangeKinds.Status => await records.FindByCustomerAsync(message.ResourceId, cancellationToken),
            _ => await OwnerOfProductAsync(scope.ServiceProvider, records, message.ResourceId, cancellationToken),
        };
        if (record is null || record.SourceIds.Count == 0 || record.Erased)
        {
            return;
        }

        // One change per event, whatever happens to the message: Wolverine runs this handler in one chain with the hub's
        // fan-out of the same event, so a failure of either runs both again; the second run finds the change it staged.
        var changeId = TmfDocumentImport.HashIdFor("tmfEvent", "legacyChange", message.EventId);
        var traceId = JsonNode.Parse(protector.Unprotect(message.ProtectedBody))?["correlationId"]?.GetValue<string>();
        var change = await LegacyChangeStaging.StageAsync(scope.ServiceProvider, record.PartyId, kind, record.SourceIds, LegacyChangeStaging.TraceParentOf(traceId), clock, cancellationToken,
            changeId: changeId);
        if (change is null)
        {
            LogAlreadyCaptured(logger, changeId, message.EventType, message.ResourceId);
            return;
        }

        LogCaptured(logger, change, kind, message.EventType, message.ResourceId);
    }

    /// <summary>The holder (related party <c>customer</c>) of a product, read through inventory's contract.</summary>
    private static async Task<CustomerRecord?> OwnerOfProductAsync(IServiceProvider services, ICustomerRecords records, string productId, CancellationToken cancellationToken)
    {
        var product = await services.GetRequiredService<IProductInventory>().FindAsync(productId, cancellationToken);
        var holder = product?.RelatedParties.FirstOrDefault(p => p.Role == "customer")?.Id;
        return product?.OfferingId is null || holder is null ? null : await records.FindByPartyAsync(holder, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId} ({Kind}) captured from {EventType} of {ResourceId}")]
    private static partial void LogCaptured(ILogger logger, string changeId, string kind, string eventType, string resourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy change {ChangeId} was captured before from {EventType} of {ResourceId} (the event was handled again)")]
    private static partial void LogAlreadyCaptured(ILogger logger, string changeId, string eventType, string resourceId);
}

/// <summary>
/// The parties module announces an erasure with <see cref="PersonalDataErased"/> in the erasure's transaction: the
/// erasure staged for legacy (<see cref="LegacyPersonalData"/>) is then released for delivery, in one transaction
/// with the message — an abandoned one too (the person is erased after all: legacy must learn it; a second erasure
/// finds legacy's record erased and leaves it alone). Public because Wolverine generates the code that calls handlers.
/// </summary>
public static class PersonalDataErasedHandler
{
    public static async Task Handle(PersonalDataErased message, IServiceScopeFactory scopes, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<LegacyDbContext>>();
        var staged = await outbox.DbContext.Changes
            .Where(c => c.PartyId == message.PartyId && (c.State == LegacyChangeStates.AwaitingErasure || c.State == LegacyChangeStates.Abandoned)).ToListAsync(cancellationToken);
        if (staged.Count == 0)
        {
            return;
        }

        foreach (var change in staged)
        {
            change.State = LegacyChangeStates.Pending;
            change.ChangedAt = clock.GetUtcNow();
            await outbox.PublishAsync(new PropagateLegacyChange(change.Id, change.PartyId));
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }
}

/// <summary>
/// Delivers <see cref="PropagateLegacyChange"/> messages (durable local queues partitioned by person, so one person's
/// changes go one at a time). Public because Wolverine generates the code that calls handlers.
/// </summary>
public static class PropagateLegacyChangeHandler
{
    public static async Task Handle(PropagateLegacyChange message, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LegacyChangeDelivery>().DeliverAsync(message.ChangeId, cancellationToken);
    }
}

/// <summary>Legacy refused or could not be reached: the message is scheduled again (<c>Dialtone:Legacy:Propagation:RetryDelays</c>).</summary>
public sealed class LegacyDeliveryDeferredException(string message) : Exception(message);


/// <summary>What Dialtone asks legacy to deliver: the change's id; the handler reads the rest, and the person's current state.</summary>
/// <param name="ChangeId">The <see cref="LegacyChange"/>.</param>
/// <param name="PartyId">The person, so that changes of one person are delivered one at a time (a partition key).</param>
public sealed record PropagateLegacyChange(string ChangeId, string PartyId);
