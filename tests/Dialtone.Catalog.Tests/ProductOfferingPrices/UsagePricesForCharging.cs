using Dialtone.Catalog.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Catalog.Tests.ProductOfferingPrices;

/// <summary>
/// What charging reads of a line's usage prices through <see cref="IOfferingCatalog"/> (docs/decisions/0006): the rating
/// groups each price applies to, its unit, and a tiered price's tiers, as the demo catalog sells them.
/// </summary>
public sealed class UsagePricesForCharging(DemoCatalogApps apps) : IClassFixture<DemoCatalogApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    private async Task<CatalogOffering> OfferingAsync(TestDatabase database, string name)
    {
        var app = await apps.ForAsync(database);
        await using var scope = app.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<IOfferingCatalog>();
        var id = await catalog.FindOrderableOfferingIdAsync(name, app.Clock.GetUtcNow(), CancellationToken.None);
        Assert.NotNull(id);
        var offering = await catalog.FindOfferingAsync(id, CancellationToken.None);
        Assert.NotNull(offering);
        return offering;
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task APerUnitUsagePriceNamesItsRatingGroupsAndUnit(TestDatabase database)
    {
        var prepaid = await OfferingAsync(database, "Dialtone Prepaid");

        var data = Assert.Single(prepaid.Prices, p => p.Name == "Prepaid data, per MB");
        Assert.Equal("usage", data.PriceType);
        Assert.Equal([10, 11], data.RatingGroups);
        Assert.Equal("1 MB", data.UnitOfMeasure);
        Assert.Equal(0.005m, data.Amount);
        Assert.Equal("EUR", data.Currency);
        Assert.Empty(data.Tiers);
        Assert.Equal([20], Assert.Single(prepaid.Prices, p => p.Name == "Calls, per minute").RatingGroups);
        Assert.All(prepaid.Prices.Where(p => p.PriceType != "usage"), p => Assert.Empty(p.RatingGroups));
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task ATieredUsagePriceListsItsTiersLowestFirst(TestDatabase database)
    {
        var business = await OfferingAsync(database, "Business 5G Flex");

        var tiered = Assert.Single(business.Prices, p => p.Tiers.Count > 0);
        Assert.Equal("usage", tiered.PriceType);
        Assert.Null(tiered.Amount);
        Assert.Equal("1 MB", tiered.UnitOfMeasure);
        Assert.Equal([10, 11], tiered.RatingGroups);
        Assert.Equal(
            [(0L, (long?)10_000L, 0.004m), (10_000L, 50_000L, 0.002m), (50_000L, null, 0.001m)],
            tiered.Tiers.Select(t => (t.From, t.To, t.Amount)));
        Assert.All(tiered.Tiers, t => Assert.Equal(("EUR", "1 MB"), (t.Currency, t.UnitOfMeasure)));
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task APostpaidPlanWithAFiniteDataAllowancePricesTheDataBeyondIt(TestDatabase database)
    {
        var start = await OfferingAsync(database, "5G Start 10 GB");

        var beyond = Assert.Single(start.Prices, p => p.PriceType == "usage" && p.RatingGroups.Contains(10));
        Assert.Equal("Data beyond the plan, per MB", beyond.Name);
        Assert.Equal([10, 11], beyond.RatingGroups);
        Assert.Equal("1 MB", beyond.UnitOfMeasure);
        Assert.Equal(0.01m, beyond.Amount);

        var unlimited = await OfferingAsync(database, "5G Unlimited");
        Assert.DoesNotContain(unlimited.Prices, p => p.Name == "Data beyond the plan, per MB");
    }
}
