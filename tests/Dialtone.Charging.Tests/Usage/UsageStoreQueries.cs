using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Tests.Nchf;
using Dialtone.Charging.Usage;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Inventory.Contracts;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Dialtone.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Tests.Usage;

/// <summary>
/// Usage records are stored in a table of their own (ADR 0003, amendment of 2026-11-29), not as documents with search
/// entries: every attribute TMF635 lists declare filters and sorts through it exactly as through search entries, the
/// records stored as documents before are indexed by the upgrade (and go back on a downgrade), and a downgrade that would
/// lose the records stored since is refused.
/// </summary>
public sealed class UsageStoreQueries(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Api = "/tmf-api/usageManagement/v4/usage";

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task EveryDeclaredAttributeFiltersAndSortsThroughTheIndex(TestDatabase database)
    {
        var app = apps.For(database);
        var (lineA, partyA) = await RatedUsageRecords.LineAsync(app);
        var (lineB, partyB) = await RatedUsageRecords.LineAsync(app);
        var t0 = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
        var reference = Guid.NewGuid().ToString("N");
        UsageRecorded Record(int n, string line, string unit, IReadOnlyList<UsageDebit> debits, UsageCharge? charge, long unpriced = 0) =>
            new($"{reference}-1", n, Smf.DataGroup, line, unit, 1000, "home", t0.AddHours(n - 1), false, "EUR", debits, charge, unpriced, 0);
        UsageDebit Debit(string line) => new($"{line}/allowance", 1000);
        var charge = new UsageCharge("price-1", 1000, 0.01m, 0m);
        // 1: included; 2: included + overage; 3: overage only; 4: the other line; 5: unpriced (no rated product usage).
        UsageRecorded[] records =
        [
            Record(1, lineA, "octet", [Debit(lineA)], null),
            Record(2, lineA, "second", [Debit(lineA)], charge),
            Record(3, lineA, "event", [], charge),
            Record(4, lineB, "octet", [Debit(lineB)], null),
            Record(5, lineA, "octet", [], null, unpriced: 1000),
        ];
        var relay = app.Services.GetServices<IGrainOutboxHandler>().Single(handler => handler.Kind == UsageRecorded.Kind);
        await relay.HandleAsync([.. records.Select(RatedUsageRecords.Entry)], CancellationToken.None);

        using var agent = app.ClientAs("agent-1", "agent");
        var both = $"relatedParty.id={partyA},{partyB}";
        string At(int hours) => Uri.EscapeDataString(t0.AddHours(hours).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        var expected = new Dictionary<string, int[]>
        {
            [$"relatedParty.id={partyA}"] = [1, 2, 3, 5],
            [both] = [1, 2, 3, 4, 5],
            [$"ratedProductUsage.productRef.id={lineA}"] = [1, 2, 3],
            [$"ratedProductUsage.productRef.id={lineA},{lineB}"] = [1, 2, 3, 4],
            [$"{both}&usageType=voice,sms"] = [2, 3],
            [$"{both}&status=rated"] = [1, 2, 3, 4, 5],
            [$"{both}&status=billed"] = [],
            [$"{both}&usageDate.gte={At(1)}&usageDate.lt={At(3)}"] = [2, 3],
            [$"{both}&usageDate.gt={At(3)}"] = [5],
            [$"{both}&usageDate.lte={At(0)}"] = [1],
            [$"{both}&usageDate={At(2)},{At(4)}"] = [3, 5],
            [$"{both}&ratedProductUsage.usageRatingTag=overage"] = [2, 3],
            [$"{both}&ratedProductUsage.usageRatingTag=included"] = [1, 2, 4],
            [$"{both}&ratedProductUsage.usageRatingTag=included,overage"] = [1, 2, 3, 4],
            [$"{both}&ratedProductUsage.isBilled=false"] = [1, 2, 3, 4],
            [$"{both}&ratedProductUsage.isBilled=true"] = [],
            [$"id={UsageDocuments.IdOf(records[1])},{UsageDocuments.IdOf(records[3])}"] = [2, 4],
        };
        foreach (var (query, numbers) in expected)
        {
            Assert.True(numbers.Order().SequenceEqual(Numbers(await RatedUsageRecords.ListAsync(agent, $"{Api}?{query}")).Order()), query);
        }

        Assert.Equal(new[] { 5, 4, 3, 2, 1 }, Numbers(await RatedUsageRecords.ListAsync(agent, $"{Api}?{both}&sort=-usageDate")));
        Assert.Equal(new[] { 5, 4, 1, 3, 2 }, Numbers(await RatedUsageRecords.ListAsync(agent, $"{Api}?{both}&sort=usageType,-usageDate")));
        using (var page = await agent.GetAsync($"{Api}?{both}&sort=usageDate&offset=1&limit=2"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, page.StatusCode);
            Assert.Equal("5", page.Headers.GetValues("X-Total-Count").Single());
            Assert.Equal(new[] { 2, 3 }, Numbers(JsonNode.Parse(await page.Content.ReadAsStringAsync())!.AsArray()));
        }

        // Each owner sees the records that name them, whatever they filter on; nobody else's.
        using var ownerA = RatedUsageRecords.Customer(app, partyA);
        using var ownerB = RatedUsageRecords.Customer(app, partyB);
        Assert.Equal(new[] { 1, 2, 3, 5 }, Numbers(await RatedUsageRecords.ListAsync(ownerA, $"{Api}?sort=usageDate")));
        Assert.Equal(new[] { 4 }, Numbers(await RatedUsageRecords.ListAsync(ownerB, $"{Api}?sort=usageDate")));
        Assert.Empty(await RatedUsageRecords.ListAsync(ownerB, $"{Api}?ratedProductUsage.productRef.id={lineA}"));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task RecordsStoredAsDocumentsBeforeAreIndexedByTheUpgradeAndADowngradeThatWouldLoseRecordsIsRefused(TestDatabase database)
    {
        // Its own app: the test takes the usage module's schema back one migration and forward again.
        await using var app = new DialtoneApp(database);
        var (line, party) = await RatedUsageRecords.LineAsync(app);
        var now = app.Clock.GetUtcNow();
        var reference = Guid.NewGuid().ToString("N");
        UsageRecorded Record(long sequence, IReadOnlyList<UsageDebit> debits, UsageCharge? charge) =>
            new($"{reference}-1", sequence, Smf.DataGroup, line, "octet", 1000, "home", now.AddMinutes(sequence), false, "EUR", debits, charge, 0, 0);
        var parties = new[] { new InventoryParty(party, "customer", "Individual") };
        var old = new[] { Record(1, [new UsageDebit($"{line}/data", 1000)], null), Record(2, [], new UsageCharge("price-1", 1000, 0.01m, 0m)) };

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // As the version before the usage table stored them: documents with a search entry per declared attribute.
            var db = scope.ServiceProvider.GetRequiredService<UsageDbContext>();
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("PartialSearchIndexes");
            var asDocuments = new TmfResourceDescriptor(UsageResources.Api, UsageResources.Usage.Resource, typeof(Dialtone.Charging.Usage.Representation.Usage),
                UsageResources.Usage.Attributes.Values, timestampAttribute: null, statusAttribute: "status");
            await using (var transaction = await db.BeginSerializedWriteAsync(CancellationToken.None))
            {
                await TmfDocumentBulk.InsertAsync(db, [.. old.Select(r => TmfDocumentImport.Create(db, asDocuments, UsageDocuments.Of(r, parties), UsageDocuments.IdOf(r), now, UsageRelay.Writer))],
                    CancellationToken.None);
                await transaction.CommitAsync();
            }

            await migrator.MigrateAsync();
            Assert.False(await db.SearchEntries.AnyAsync(e => e.ResourceType == UsageResources.Usage.Resource));
        }

        // Found through the table, read from their documents; filtered and sorted as before.
        using var owner = RatedUsageRecords.Customer(app, party);
        Assert.Equal(new[] { 2, 1 }, Numbers(await RatedUsageRecords.ListAsync(owner, $"{Api}?ratedProductUsage.productRef.id={line}&sort=-usageDate")));
        Assert.Equal(new[] { 2 }, Numbers(await RatedUsageRecords.ListAsync(owner, $"{Api}?ratedProductUsage.usageRatingTag=overage")));
        using (var one = await owner.GetAsync($"{Api}/{UsageDocuments.IdOf(old[0])}"))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        }

        // Back again while every record has its document: their entries return.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<UsageDbContext>();
            await db.GetService<IMigrator>().MigrateAsync("PartialSearchIndexes");
            var paths = await db.SearchEntries.Where(e => e.ResourceType == UsageResources.Usage.Resource).GroupBy(e => e.Path)
                .Select(g => new { Path = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Path, g => g.Count);
            Assert.Equal(new Dictionary<string, int>
            {
                ["status"] = 2, ["usageType"] = 2, ["usageDate"] = 2, ["relatedParty.id"] = 2, ["ratedProductUsage.productRef.id"] = 2,
                ["ratedProductUsage.usageRatingTag"] = 2, ["ratedProductUsage.isBilled"] = 2,
            }, paths);
            await db.GetService<IMigrator>().MigrateAsync();
        }

        // A record stored in the table itself has no document to go back to: the downgrade is refused and changes nothing.
        var relay = app.Services.GetServices<IGrainOutboxHandler>().Single(handler => handler.Kind == UsageRecorded.Kind);
        var fresh = Record(3, [new UsageDebit($"{line}/data", 1000)], null);
        await relay.HandleAsync([RatedUsageRecords.Entry(fresh)], CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<UsageDbContext>();
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => db.GetService<IMigrator>().MigrateAsync("PartialSearchIndexes"));
            Assert.Contains("usage_records_stored_since_the_upgrade_would_be_lost", refused.ToString(), StringComparison.Ordinal);
            // Stored in the table, encrypted at rest: the row's text names neither the session nor the line.
            var row = await db.Records.AsNoTracking().SingleAsync(r => r.DocumentId == UsageDocuments.IdOf(fresh));
            Assert.Contains(reference, row.Record, StringComparison.Ordinal);
            var raw = await RawRecordAsync(db, UsageDocuments.IdOf(fresh));
            Assert.DoesNotContain(reference, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(line, raw, StringComparison.Ordinal);
        }

        Assert.Equal(new[] { 1, 2, 3 }, Numbers(await RatedUsageRecords.ListAsync(owner, $"{Api}?ratedProductUsage.productRef.id={line}&sort=usageDate")));
    }

    /// <summary>The <c>Record</c> column as the database holds it.</summary>
    private static async Task<string> RawRecordAsync(UsageDbContext db, string id)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync();
        }

        await using var command = connection.CreateCommand();
        var table = db.Database.IsSqlite() ? "\"usage_records\"" : "\"usage\".\"records\"";
        command.CommandText = $"SELECT \"Record\" FROM {table} WHERE \"DocumentId\" = @id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static int[] Numbers(JsonArray listed) =>
        [.. listed.Select(usage => usage!["usageCharacteristic"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "sequenceNumber")!["value"]!.GetValue<int>())];
}
