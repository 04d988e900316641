using System.Data.Common;
using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Dialtone.Catalog.Tests.Persistence;

/// <summary>
/// The search entries' value indexes hold only the entries of their kind (an entry is written to two indexes, not four: ADR
/// 0003), and a TMF630 filter of each kind and operator is still answered through its index, in both databases. The plan
/// is asked of the database for the very command a list request runs.
/// </summary>
public sealed class SearchEntryIndexes
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    private static readonly (string Resource, string Query, string Index)[] Filters =
    [
        ("productOffering", "name=5G Start 10 GB", "Text"),
        ("productOffering", "lifecycleStatus=Active,Launched", "Text"),
        ("productOffering", "lastUpdate.gt=2026-01-01T00:00:00Z", "Time"),
        ("productOffering", "lastUpdate=2026-01-01T00:00:00Z", "Time"),
        ("productOfferingPrice", "price.value.lte=30", "Number"),
        ("productOfferingPrice", "price.value=9.99", "Number"),
    ];

    [Theory, MemberData(nameof(Databases))]
    public async Task EachValueIndexHoldsOnlyItsKindAndFiltersOfEveryKindUseIt(TestDatabase database)
    {
        await using var app = new DialtoneApp(database);
        (await app.WaitUntilReadyAsync()).EnsureSuccessStatusCode();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var postgres = database == TestDatabase.Postgres;

        foreach (var kind in new[] { "Text", "Number", "Time" })
        {
            var definition = await ScalarAsync(db, postgres
                ? $"SELECT indexdef FROM pg_indexes WHERE schemaname = 'catalog' AND indexname = 'IX_search_entries_ResourceType_Path_{kind}'"
                : $"SELECT sql FROM sqlite_master WHERE name = 'IX_catalog_search_entries_ResourceType_Path_{kind}'");
            Assert.Contains($"\"{kind}\" IS NOT NULL", definition ?? "(no such index)", StringComparison.Ordinal);
        }

        foreach (var (resourceName, text, kind) in Filters)
        {
            var resource = resourceName == "productOffering" ? CatalogResources.ProductOffering : CatalogResources.ProductOfferingPrice;
            var (key, value) = (text[..text.IndexOf('=', StringComparison.Ordinal)], text[(text.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var list = TmfListQuery.Parse(new QueryCollection(new Dictionary<string, StringValues> { [key] = value }), resource);
            var entries = db.SearchEntries.AsNoTracking().Where(e => e.ResourceType == resource.Resource);
            var documents = db.Documents.OfResource(resource).WhereMatches(entries, Assert.Single(list.Filters));

            var plan = await PlanAsync(db, documents, postgres);
            Assert.True(plan.Contains($"search_entries_ResourceType_Path_{kind}", StringComparison.Ordinal), $"{text}:\n{plan}");
        }
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AnIdIsFilteredByTheDocumentKeyWithoutSearchEntries(TestDatabase database)
    {
        await using var app = new DialtoneApp(database);
        var pm = app.ProductManager();
        var prices = $"{TmfHttp.Catalog}/productOfferingPrice";
        var first = await CatalogFixtures.MonthlyPriceAsync(pm, 5m, CatalogFixtures.Unique("id filter"));
        var second = await CatalogFixtures.MonthlyPriceAsync(pm, 6m, CatalogFixtures.Unique("id filter"));
        _ = await CatalogFixtures.MonthlyPriceAsync(pm, 7m, CatalogFixtures.Unique("id filter"));

        var one = (await (await pm.GetAsync($"{prices}?id={first.Id()}")).ReadJsonAsync()).AsArray();
        Assert.Equal([first.Id()], one.Select(p => p!["id"]!.GetValue<string>()));
        var two = (await (await pm.GetAsync($"{prices}?id={second.Id()},{first.Id()}")).ReadJsonAsync()).AsArray();
        Assert.Equal(new[] { first.Id(), second.Id() }.Order(StringComparer.Ordinal), two.Select(p => p!["id"]!.GetValue<string>()));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        Assert.True(await db.SearchEntries.CountAsync(e => e.DocumentId == first.Id()) > 0);
        Assert.Equal(0, await db.SearchEntries.CountAsync(e => e.Path == TmfResourceDescriptor.IdPath));
    }

    /// <summary>
    /// A list in a query (<c>ids.Contains(d.Id)</c>) is one parameter on SQLite, which binds parameters by name with a
    /// linear scan: EF Core 10's default of a parameter per element cost n² string comparisons, 7.4 ms for 900 ids
    /// (bench/README, 2026-11-29 session 18). The ids are still looked up through the documents' key, in both databases.
    /// </summary>
    [Theory, MemberData(nameof(Databases))]
    public async Task AListOfIdsIsOneParameterOnSqliteAndIsLookedUpByTheDocumentKey(TestDatabase database)
    {
        await using var app = new DialtoneApp(database);
        var pm = app.ProductManager();
        var price = await CatalogFixtures.MonthlyPriceAsync(pm, 5m, CatalogFixtures.Unique("id list"));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var postgres = database == TestDatabase.Postgres;
        List<string> ids = [.. Enumerable.Range(0, 899).Select(i => $"no-such-document-{i}"), price.Id()];
        var documents = db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id));

        Assert.Equal([price.Id()], await documents.Select(d => d.Id).ToListAsync());
        await using (var command = documents.CreateDbCommand())
        {
            Assert.True(postgres || command.Parameters.Count == 1, $"{command.Parameters.Count} parameters:\n{command.CommandText[..Math.Min(300, command.CommandText.Length)]}");
        }

        var plan = await PlanAsync(db, documents, postgres);
        Assert.True(plan.Contains(postgres ? "PK_documents" : "sqlite_autoindex_catalog_documents", StringComparison.Ordinal), plan);
    }

    private static async Task<string> PlanAsync(CatalogDbContext db, IQueryable<TmfDocument> query, bool postgres)
    {
        await using var command = query.CreateDbCommand();
        await db.Database.OpenConnectionAsync();
        try
        {
            if (postgres)
            {
                // The catalog is tiny: without this PostgreSQL rightly prefers a sequential scan. With it, an index the
                // filter cannot use (a partial index whose condition the filter does not imply) still loses to a scan.
                await using var off = command.Connection!.CreateCommand();
                off.CommandText = "SET enable_seqscan = off";
                await off.ExecuteNonQueryAsync();
            }

            command.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + command.CommandText;
            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(postgres ? 0 : 3));
            }

            return string.Join('\n', lines);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<string?> ScalarAsync(CatalogDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            return (string?)await command.ExecuteScalarAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
