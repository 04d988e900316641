using System.Globalization;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Handlers;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.IdentityChecks;

/// <summary>
/// Ends the wait of orders that have been <c>pending</c> for the customer's identity check longer than
/// <see cref="OrderingOptions.PendingIdentityTimeout"/>, so they do not hold their reserved numbers forever: the order
/// fails the way a third failed check fails it (the process's failure path releases the numbers and notes why). The age
/// is read on the application's clock, like the order dates; the polling runs every
/// <see cref="OrderingOptions.RetryPollingInterval"/>, alongside the retry waker. Several nodes may expire one order
/// together: the process is read again inside the serialised write, and only a process still waiting is failed.
/// </summary>
internal sealed partial class PendingIdentityExpiry(
    IServiceScopeFactory scopes,
    IOptions<OrderingOptions> options,
    IOptions<DialtoneOptions> platform,
    TimeProvider clock,
    ILogger<PendingIdentityExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetryPollingInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ExpireAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogExpiryFailed(e); // the next tick tries again: the waiting processes are still there
            }
        }
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.PendingIdentityTimeout;
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<OrderingDbContext>>();
        var db = outbox.DbContext;

        // The ages are compared here because SQLite cannot compare dates with offsets in SQL; the stage is indexed.
        var waiting = await db.Processes.AsNoTracking().Where(p => p.Stage == ProcessStage.AwaitingIdentity)
            .Select(p => new { p.OrderId, p.UpdatedAt }).ToListAsync(cancellationToken);
        var expired = waiting.Where(w => now - w.UpdatedAt >= timeout).Select(w => w.OrderId).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        var reason = $"the customer's identity was not checked within {Describe(timeout)} of ordering (Dialtone:Ordering:PendingIdentityTimeout); the numbers reserved for the order were released";
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        foreach (var process in await db.Processes.Where(p => expired.Contains(p.OrderId)).ToListAsync(cancellationToken))
        {
            if (!process.WaitedTooLongForIdentity(timeout, now))
            {
                continue; // checked, cancelled or expired by another node meanwhile
            }

            process.Fail(reason, now);
            var document = await OrderDocuments.FindAsync(db, process.OrderId, cancellationToken)
                           ?? throw new InvalidOperationException($"Order {process.OrderId} has a process but no document.");
            var context = new TmfWriteContext(db, Caller.ActingFor(process.CreatedBy, DialtoneRoles.Admin), platform.Value.PublicBaseUrl ?? "http://localhost:5080", now);
            await OrderDocuments.SyncAsync(outbox, document, process, $"Identity not checked within {Describe(timeout)}.", context, cancellationToken: cancellationToken);
            await outbox.PublishAsync(new AdvanceProductOrder(process.OrderId));
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }

    private static string Describe(TimeSpan span) => span.Ticks % TimeSpan.TicksPerDay == 0
        ? (span.Days == 1 ? "1 day" : $"{span.Days} days")
        : span.ToString("c", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failing orders that waited too long for the identity check failed; trying again at the next tick")]
    private partial void LogExpiryFailed(Exception exception);
}
