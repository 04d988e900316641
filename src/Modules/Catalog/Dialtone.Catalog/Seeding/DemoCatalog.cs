using Dialtone.Platform;

namespace Dialtone.Catalog.Seeding;

internal static class DemoCatalog
{
    public static Task<int> LoadAsync(IServiceProvider services, DialtoneOptions options, CancellationToken cancellationToken) => Task.FromResult(0);
}
