using Dialtone.Legacy.Features.BillHistory;
using Dialtone.Legacy.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dialtone.Legacy.Tests.BillHistory;

/// <summary>
/// Another actor at the worst moment of a bill history read: once, just before the legacy module saves the armed
/// customer's bill history to the cache (legacy has answered), it runs <see cref="OtherWriter"/>.
/// </summary>
internal sealed class BillHistorySaveHook : SaveChangesInterceptor
{
    private int armed;

    public string? CustomerId { get; private set; }

    public Func<CancellationToken, Task>? OtherWriter { get; set; }

    public int Fired { get; private set; }

    public void Arm(string customerId)
    {
        CustomerId = customerId;
        Volatile.Write(ref armed, 1);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is LegacyDbContext db && Volatile.Read(ref armed) == 1
            && db.ChangeTracker.Entries<BillHistoryCacheEntry>().Any(e => e.Entity.CustomerId == CustomerId && e.State is EntityState.Added or EntityState.Modified)
            && Interlocked.Exchange(ref armed, 0) == 1)
        {
            await OtherWriter!(cancellationToken);
            Fired++;
        }

        return result;
    }
}
