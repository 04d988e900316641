using Dialtone.Ordering.Handlers;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Features.Fulfilment;

/// <summary>
/// Wakes orders that wait for a provisioning system to come back once their next try is due: the due time is in the
/// order's process row, so a wait survives restarts, and the wake-up (an <see cref="AdvanceProductOrder"/> on the
/// outbox) is committed with clearing it. Wolverine's own scheduled messages would do this, but on SQLite (6.62, Solo
/// durability) a scheduled local message was never delivered (ADR 0010); the row is also what operators read.
/// Several nodes may wake one order together: the order's messages are handled one at a time and a spare one finds
/// nothing to do.
/// </summary>
internal sealed partial class OrderRetryWaker(IServiceScopeFactory scopes, IOptions<OrderingOptions> options, TimeProvider clock, ILogger<OrderRetryWaker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetryPollingInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await WakeDueOrdersAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWakeFailed(e); // the next tick tries again; nothing was lost, the due times are still in the rows
            }
        }
    }

    private async Task WakeDueOrdersAsync(CancellationToken cancellationToken)
    {
        var wallNow = TimeProvider.System.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<OrderingDbContext>>();
        var db = outbox.DbContext;

        // Few orders ever wait at once; the due times are compared here because SQLite cannot compare them in SQL.
        var waiting = await db.Processes.AsNoTracking().Where(p => p.NextAttemptAt != null)
            .Select(p => new { p.OrderId, p.NextAttemptAt }).ToListAsync(cancellationToken);
        var due = waiting.Where(w => w.NextAttemptAt <= wallNow).Select(w => w.OrderId).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        foreach (var process in await db.Processes.Where(p => due.Contains(p.OrderId)).ToListAsync(cancellationToken))
        {
            if (process.NextAttemptAt <= wallNow)
            {
                process.RetryDue(clock.GetUtcNow());
                await outbox.PublishAsync(new AdvanceProductOrder(process.OrderId));
            }
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking orders whose retry is due failed; trying again at the next tick")]
    private partial void LogWakeFailed(Exception exception);
}
