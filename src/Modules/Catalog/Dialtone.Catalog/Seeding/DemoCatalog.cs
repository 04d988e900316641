using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Catalog.Features.Catalogs;
using Dialtone.Catalog.Features.Categories;
using Dialtone.Catalog.Features.ProductOfferingPrices;
using Dialtone.Catalog.Features.ProductOfferings;
using Dialtone.Catalog.Features.ProductSpecifications;
using Dialtone.Catalog.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Catalog.Seeding;

/// <summary>
/// Loads the Dialtone Mobile demo catalog (see <see cref="DemoCatalogData"/>) through the same rules, events and outbox as
/// a product manager's API calls, so the demo data is exactly what the API would have accepted.
/// </summary>
internal static class DemoCatalog
{
    private static readonly Caller Seeder = new("demo-seed", new HashSet<string> { DialtoneRoles.Admin });

    /// <summary>Nodes starting together seed one after the other, and the second finds the catalog there.</summary>
    private const long SeedLock = 0x4469616C746F6E;

    /// <summary>Creates the demo catalog unless the catalog already has something in it; returns how many resources it created.</summary>
    public static async Task<int> LoadAsync(IServiceProvider services, DialtoneOptions options, CancellationToken cancellationToken)
    {
        await using var seedLock = await StartupLock.AcquireAsync(services.GetRequiredService<DialtoneDatabase>(), SeedLock, cancellationToken);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<CatalogDbContext>>().DbContext;
            if (await db.Documents.AnyAsync(cancellationToken))
            {
                return 0;
            }
        }

        var clock = services.GetRequiredService<TimeProvider>();
        var baseUrl = options.PublicBaseUrl?.TrimEnd('/') ?? "http://localhost:5080";
        var writer = new DemoCatalogWriter(services, Seeder, baseUrl, clock);
        await DemoCatalogData.WriteAsync(writer, clock.GetUtcNow(), cancellationToken);
        return writer.Created;
    }
}

/// <summary>A resource the demo data has created and other resources refer to.</summary>
internal sealed record DemoRef(string Id, string Name);

/// <summary>
/// Creates one resource at a time and commits it before the next, because the rules that judge a resource read what it
/// refers to from the database. Each resource gets its own scope: an outbox flushes its messages once, and a second
/// flush on the same one would silently drop the later create events.
/// </summary>
internal sealed class DemoCatalogWriter(IServiceProvider services, Caller caller, string baseUrl, TimeProvider clock)
{
    public int Created { get; private set; }

    public Task<DemoRef> SpecificationAsync(ProductSpecification specification, CancellationToken ct) =>
        CreateAsync<ProductSpecification, ProductSpecificationRules>(specification, specification.Name, ct);

    public Task<DemoRef> PriceAsync(ProductOfferingPrice price, CancellationToken ct) =>
        CreateAsync<ProductOfferingPrice, ProductOfferingPriceRules>(price, price.Name, ct);

    public Task<DemoRef> CategoryAsync(Category category, CancellationToken ct) =>
        CreateAsync<Category, CategoryRules>(category, category.Name, ct);

    public Task<DemoRef> OfferingAsync(ProductOffering offering, CancellationToken ct) =>
        CreateAsync<ProductOffering, ProductOfferingRules>(offering, offering.Name, ct);

    public Task<DemoRef> CatalogAsync(Domain.Representation.Catalog catalog, CancellationToken ct) =>
        CreateAsync<Domain.Representation.Catalog, CatalogEntityRules>(catalog, catalog.Name, ct);

    private async Task<DemoRef> CreateAsync<TRepresentation, TRules>(TRepresentation representation, string? name, CancellationToken ct)
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        await using var scope = services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<CatalogDbContext>>();
        var rules = scope.ServiceProvider.GetRequiredService<TRules>();
        var context = new TmfWriteContext(outbox.DbContext, caller, baseUrl, clock.GetUtcNow());
        var (document, _) = await TmfResourceEndpoints.CreateDocumentAsync<CatalogDbContext, TRepresentation, TRules>(
            outbox, rules, TmfRepresentation.ToJsonObject(representation), context, ct);
        await outbox.SaveChangesAndFlushMessagesAsync(ct);
        Created++;
        return new DemoRef(document.Id, name ?? document.Id);
    }
}
