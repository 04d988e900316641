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

namespace Dialtone.Ordering.Features.Fulfilment;

/// <summary>
/// Moves orders on when a time they wait for has come, polling every <see cref="OrderingOptions.RetryPollingInterval"/>:
/// <list type="bullet">
/// <item>an order waiting for a provisioning system to come back tries again when its <c>next_attempt_at</c> is due
/// (wall clock, like the adapter's resilience pipeline). Wolverine's own scheduled messages would do this, but on
/// SQLite (6.62, Solo durability) a scheduled local message was never delivered (ADR 0010); the row is also what
/// operators read;</item>
/// <item>on the application's clock (like the order dates): an order <c>pending</c> for the customer's identity check longer than <see cref="OrderingOptions.PendingIdentityTimeout"/>
/// fails the way a third failed check fails it (the failure path releases its reserved numbers and notes why), so it
/// does not hold them forever;</item>
/// <item>an order <c>held</c> until its <c>requestedStartDate</c> (a plan change at the next bill cycle) starts.</item>
/// </list>
/// Several nodes may move one order together: the process is read again inside the serialised write, and only a process
/// still waiting is moved.
/// </summary>
internal sealed partial class OrderDeadlines(
    IServiceScopeFactory scopes,
    IOptions<OrderingOptions> options,
    IOptions<DialtoneOptions> platform,
    TimeProvider clock,
    ILogger<OrderDeadlines> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetryPollingInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // Each kind of deadline on its own: one failing does not hold the other up.
            foreach (var pass in new Func<CancellationToken, Task>[] { WakeDueRetriesAsync, ExpirePendingIdentityAsync, ReleaseHeldOrdersAsync })
            {
                try
                {
                    await pass(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogDeadlinesFailed(e); // the next tick tries again: the waiting processes are still there
                }
            }
        }
    }

    private Task WakeDueRetriesAsync(CancellationToken cancellationToken)
    {
        var wallNow = TimeProvider.System.GetUtcNow();
        return MoveDueAsync(
            db => db.Processes.Where(p => p.NextAttemptAt != null),
            row => row.NextAttemptAt,
            wallNow,
            process =>
            {
                if (!(process.NextAttemptAt <= wallNow))
                {
                    return false; // cancelled or woken by another node meanwhile
                }

                process.RetryDue(clock.GetUtcNow());
                return true;
            },
            null,
            cancellationToken);
    }

    private async Task ExpirePendingIdentityAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.PendingIdentityTimeout;
        var now = clock.GetUtcNow();
        var reason = $"the customer's identity was not checked within {Describe(timeout)} of ordering (Dialtone:Ordering:PendingIdentityTimeout); the numbers reserved for the order were released";

        // The dates are compared here because SQLite cannot compare dates with offsets in SQL; the stage is indexed.
        await MoveDueAsync(
            db => db.Processes.Where(p => p.Stage == ProcessStage.AwaitingIdentity),
            row => row.UpdatedAt + timeout,
            now,
            process =>
            {
                if (!process.WaitedTooLongForIdentity(timeout, now))
                {
                    return false; // checked, cancelled or expired by another node meanwhile
                }

                process.Fail(reason, now);
                return true;
            },
            $"Identity not checked within {Describe(timeout)}.",
            cancellationToken);
    }

    private Task ReleaseHeldOrdersAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return MoveDueAsync(
            db => db.Processes.Where(p => p.Stage == ProcessStage.Held),
            row => row.HeldUntil,
            now,
            process => process.ReleaseHold(now),
            "The requested start date has come.",
            cancellationToken);
    }

    /// <summary>Moves each process whose date is due (<paramref name="move"/> says whether it still applied), syncs its order and wakes its fulfilment, in one transaction.</summary>
    private async Task MoveDueAsync(Func<OrderingDbContext, IQueryable<OrderProcess>> candidates, Func<Due, DateTimeOffset?> dueAt, DateTimeOffset now, Func<OrderProcess, bool> move,
        string? reason, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<OrderingDbContext>>();
        var db = outbox.DbContext;
        var rows = await candidates(db).AsNoTracking().Select(p => new Due(p.OrderId, p.UpdatedAt, p.HeldUntil, p.NextAttemptAt)).ToListAsync(cancellationToken);
        // A bill-cycle day may release thousands of held orders at once: a bounded batch per transaction keeps the
        // module's serialised write short for submissions and fulfilment; the rest follow at the next ticks.
        var due = rows.Where(r => dueAt(r) <= now).Select(r => r.OrderId).Take(BatchSize).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        foreach (var process in await db.Processes.Where(p => due.Contains(p.OrderId)).ToListAsync(cancellationToken))
        {
            if (!move(process))
            {
                continue;
            }

            var document = await OrderDocuments.FindAsync(db, process.OrderId, cancellationToken)
                           ?? throw new InvalidOperationException($"Order {process.OrderId} has a process but no document.");
            var context = new TmfWriteContext(db, Caller.ActingFor(process.CreatedBy, DialtoneRoles.Admin), platform.Value.PublicBaseUrl ?? "http://localhost:5080", clock.GetUtcNow());
            await OrderDocuments.SyncAsync(outbox, document, process, reason, context, cancellationToken: cancellationToken);
            await outbox.PublishAsync(new AdvanceProductOrder(process.OrderId));
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }

    private const int BatchSize = 100;

    private static string Describe(TimeSpan span) => span.Ticks % TimeSpan.TicksPerDay == 0
        ? (span.Days == 1 ? "1 day" : $"{span.Days} days")
        : span.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>What a waiting process's due date is computed from (read without its encrypted state).</summary>
    private sealed record Due(string OrderId, DateTimeOffset UpdatedAt, DateTimeOffset? HeldUntil, DateTimeOffset? NextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving orders whose date has come failed; trying again at the next tick")]
    private partial void LogDeadlinesFailed(Exception exception);
}
