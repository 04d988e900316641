using System.Text.Json.Nodes;
using Dialtone.Catalog.Contracts;
using Dialtone.Ordering.Domain;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Ordering.Features.IdentityChecks;
using Dialtone.Ordering.Features.ProductOrders;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Ordering.Seeding;

/// <summary>
/// Demo mode: every demo subscriber gets a line through a real order, placed as an agent in a shop would (identity
/// checked in person), so inventory, numbers, the network stand-in and the SM-DP+ agree. The plan is the same for the
/// same subscriber on every fresh demo database; every fifth also takes a data boost in the same order; every 25th
/// holds a Dialtone Family instead (one 5G Plus and two 5G Start lines in one bundle sharing its pool).
/// </summary>
internal sealed class DemoLines(IServiceScopeFactory scopes, ProductOrderRules rules, TimeProvider clock, IOptions<DialtoneOptions> options)
{
    public const string Seeder = "user:demo-shop";

    private static readonly string[] Plans = ["5G Start 10 GB", "5G Plus 40 GB", "5G Plus 40 GB", "5G Max 120 GB", "5G Unlimited"];

    /// <summary>Every tenth subscriber (DS…9) is on prepaid, with no credit until a voucher is applied (the README lists demo vouchers).</summary>
    private const string Prepaid = "Dialtone Prepaid";

    /// <summary>
    /// Every 25th subscriber (DS1000012, DS1000037, …: neither prepaid nor boosted) holds a family: one 5G Plus and two 5G
    /// Start lines sharing the bundle's pool (README lists their IMSIs).
    /// </summary>
    private const string Family = "Dialtone Family";

    public async Task OrderLineAsync(string partyId, string customerNumber, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<IOfferingCatalog>();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<OrderingDbContext>>();
        var db = outbox.DbContext;
        var now = clock.GetUtcNow();
        var index = int.TryParse(customerNumber.AsSpan(2), out var number) ? number : partyId.Length;
        var planName = index % 10 == 9 ? Prepaid : Plans[index % Plans.Length];
        var plan = await catalog.FindOrderableOfferingIdAsync(planName, now, cancellationToken)
                   ?? throw new InvalidOperationException($"The demo plan '{planName}' is not in the catalog.");
        var family = index % 25 == 12 ? await catalog.FindOrderableOfferingIdAsync(Family, now, cancellationToken) : null;
        var boost = index % 5 == 0 && family is null ? await catalog.FindOrderableOfferingIdAsync("Data Boost +5 GB", now, cancellationToken) : null;

        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var ordered = await db.SearchEntries.AnyAsync(e => e.ResourceType == OrderingResources.ProductOrder.Resource && e.Path == "relatedParty.id" && e.Text == partyId, cancellationToken);
        if (ordered)
        {
            return;
        }

        if (!await IdentityCheckRules.HasPassedAsync(db, partyId, cancellationToken))
        {
            db.IdentityChecks.Add(new IdentityCheck { PartyId = partyId, Status = "passed", DocumentType = "inPerson", CheckedAt = now, CheckedBy = Seeder });
            // Written inside the transaction now, so that judging the order (a query) sees it.
            await db.SaveChangesAsync(cancellationToken);
        }

        var items = family is null
            ? new JsonArray(new JsonObject { ["id"] = "line", ["action"] = "add", ["productOffering"] = new JsonObject { ["id"] = plan } })
            : await FamilyItemsAsync(catalog, family, now, cancellationToken);
        if (boost is not null)
        {
            items.Add(new JsonObject
            {
                ["id"] = "boost", ["action"] = "add", ["productOffering"] = new JsonObject { ["id"] = boost },
                ["productOrderItemRelationship"] = new JsonArray(new JsonObject { ["id"] = "line", ["relationshipType"] = "reliesOn" }),
            });
        }

        var body = new JsonObject
        {
            ["description"] = family is null ? "Demo data: a line for a demo subscriber" : "Demo data: a family for a demo subscriber",
            ["channel"] = new JsonArray(new JsonObject { ["id"] = "shop", ["name"] = "Dialtone shop", ["role"] = "sales channel" }),
            ["relatedParty"] = new JsonArray(new JsonObject { ["id"] = partyId, ["role"] = ProductOrderRules.CustomerRole, ["@referredType"] = "Individual" }),
            ["productOrderItem"] = items,
        };
        var context = new TmfWriteContext(db, Caller.ActingFor(Seeder, DialtoneRoles.Agent), options.Value.PublicBaseUrl ?? "http://localhost:5080", now);
        await TmfResourceEndpoints.CreateDocumentAsync<OrderingDbContext, ProductOrder, ProductOrderRules>(outbox, rules, body, context, cancellationToken);
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }

    /// <summary>A family order's items: the lines first (5G Plus, then the two 5G Start lines: their IMSIs follow in that order), then the bundle relating them.</summary>
    private static async Task<JsonArray> FamilyItemsAsync(IOfferingCatalog catalog, string family, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string[] members = ["5G Plus 40 GB", "5G Start 10 GB", "5G Start 10 GB"];
        var items = new JsonArray();
        var related = new JsonArray();
        for (var i = 0; i < members.Length; i++)
        {
            var offering = await catalog.FindOrderableOfferingIdAsync(members[i], now, cancellationToken)
                           ?? throw new InvalidOperationException($"The demo plan '{members[i]}' is not in the catalog.");
            items.Add(new JsonObject { ["id"] = $"line-{i + 1}", ["action"] = "add", ["productOffering"] = new JsonObject { ["id"] = offering } });
            related.Add(new JsonObject { ["id"] = $"line-{i + 1}", ["relationshipType"] = OrderPlanner.Bundles });
        }

        items.Add(new JsonObject { ["id"] = "family", ["action"] = "add", ["productOffering"] = new JsonObject { ["id"] = family }, ["productOrderItemRelationship"] = related });
        return items;
    }
}
