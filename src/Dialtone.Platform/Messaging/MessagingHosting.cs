using Dialtone.Platform.Hub;
using Dialtone.Platform.Persistence;
using JasperFx.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.EntityFrameworkCore;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;
using Wolverine.Sqlite;

namespace Dialtone.Platform.Messaging;

/// <summary>
/// WolverineFx as the durable outbox and local queues of the whole host: message storage in the same database as the
/// modules, the EF Core outbox, durable local queues, per-resource ordering, retries from configuration, dead letters.
/// </summary>
public static class MessagingHosting
{
    public const string HubEventsQueue = "hub-events";
    public const string HubDeliveriesQueue = "hub-deliveries";

    public static WebApplicationBuilder AddDialtoneMessaging(this WebApplicationBuilder builder, DialtoneOptions settings)
    {
        var provider = settings.Database.Provider;
        var connectionString = new DialtoneDatabase(settings, builder.Configuration).ConnectionString;
        var hub = settings.Hub;

        if (provider == DatabaseProvider.Sqlite)
        {
            builder.Services.AddSingleton<Weasel.Core.Migrator, Weasel.Sqlite.SqliteMigrator>();
        }

        builder.Services.AddSingleton<HubListenerDirectory>();
        builder.Services.AddSingleton<CallbackPolicy>();
        builder.Services.AddSingleton<ListenerCircuits>();
        // No redirects: a listener must not bounce a signed event to a host the allow-list would refuse.
        builder.Services.AddHttpClient(HubDeliveryHandler.HttpClientName, client => client.Timeout = hub.DeliveryTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        builder.Services.AddResourceSetupOnStartup();

        builder.Host.UseWolverine(opts =>
        {
            opts.ServiceName = "dialtone";
            if (provider == DatabaseProvider.Postgres)
            {
                opts.PersistMessagesWithPostgresql(connectionString, "wolverine");
            }
            else
            {
                opts.PersistMessagesWithSqlite(connectionString);
            }

            opts.UseEntityFrameworkCoreTransactions();
            // Recovery of messages stranded by a crash works in Solo mode on SQLite (one node); PostgreSQL clusters use Balanced.
            opts.Durability.Mode = provider == DatabaseProvider.Sqlite ? DurabilityMode.Solo : DurabilityMode.Balanced;
            opts.Durability.ScheduledJobPollingTime = hub.RecoveryPollingInterval;
            opts.Durability.ScheduledJobFirstExecution = hub.RecoveryPollingInterval;
            opts.Durability.NodeReassignmentPollingTime = hub.RecoveryPollingInterval;
            opts.Policies.UseDurableLocalQueues();
            opts.Discovery.IncludeAssembly(typeof(MessagingHosting).Assembly);

            // Events of one resource fan out, and are delivered to one listener, in the order they were committed.
            opts.MessagePartitioning
                .ByMessage<TmfEventMessage>(m => m.ResourceId)
                .ByMessage<HubDelivery>(m => m.PartitionKey)
                .PublishToPartitionedLocalMessaging("hub", 4, topology =>
                {
                    topology.Message<TmfEventMessage>();
                    topology.Message<HubDelivery>();
                    topology.ConfigureQueues(queue => queue.UseDurableInbox());
                });

            // Retried in place (not rescheduled) so that a later event of the same resource cannot overtake a failing one.
            opts.Policies.OnException<ListenerUnavailableException>().MoveToErrorQueue();
            opts.Policies.OnException<HubDeliveryException>()
                .RetryWithCooldown([.. hub.EffectiveRetryDelays])
                .Then.MoveToErrorQueue();
            opts.Policies.OnException<HttpRequestException>()
                .RetryWithCooldown([.. hub.EffectiveRetryDelays])
                .Then.MoveToErrorQueue();
            opts.Policies.OnException<TaskCanceledException>()
                .RetryWithCooldown([.. hub.EffectiveRetryDelays])
                .Then.MoveToErrorQueue();
        });

        return builder;
    }
}
