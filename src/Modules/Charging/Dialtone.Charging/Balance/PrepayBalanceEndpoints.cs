using System.Text.Json.Nodes;
using Dialtone.Charging.Grains;
using Dialtone.Inventory.Contracts;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dialtone.Charging.Balance;

/// <summary>
/// TMF654 Prepay Balance Management v4, as far as a line's holder, agents and admins need it: the buckets of a line
/// (allowances and money, read from its charging grain, so every acknowledged charging request shows: read-your-writes),
/// and top-ups (an agent's or admin's credit, or a voucher, which the line's holder may apply too). Top-ups move money:
/// they require an <c>Idempotency-Key</c>, and the same key and request answer the first top-up again.
/// </summary>
internal static class PrepayBalanceEndpoints
{
    public const string Root = "/tmf-api/prepayBalanceManagement/v4";

    public static IEndpointRouteBuilder MapPrepayBalance(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Root).WithTags("TMF654 Prepay Balance Management").RequireAuthorization(DialtonePolicies.CustomerData);

        group.MapGet("/bucket", async (HttpContext http, IGrainFactory grains, IProductInventory inventory, IOptions<DialtoneOptions> options, CancellationToken ct) =>
            {
                var line = await VisibleLineAsync(http, inventory, RequiredProductFilter(http), ct);
                var balance = await grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(line.Id)).BalanceAsync();
                var buckets = balance is null ? [] : BalanceViews.BucketsOf(balance, line.Id, Base(http, options), await PoolOfAsync(grains, line));
                return ListResult(http, buckets);
            })
            .WithName("listBucket")
            .WithSummary("The buckets of one line (filter product.id, required): allowances and money as of the last acknowledged charging request")
            .Produces<IReadOnlyList<Bucket>>()
            .ProducesTmfErrors(400, 401, 403, 404);

        group.MapGet("/bucket/{id}", async (string id, HttpContext http, IGrainFactory grains, IProductInventory inventory, IOptions<DialtoneOptions> options, CancellationToken ct) =>
            {
                var (account, _) = BalanceViews.ParseId(id) ?? throw TmfProblemException.NotFound("bucket", id);
                var balance = await grains.GetGrain<IChargingAccountGrain>(account).BalanceAsync();
                if (balance?.ProductId is not { } productId)
                {
                    throw TmfProblemException.NotFound("bucket", id);
                }

                var line = await VisibleLineAsync(http, inventory, productId, ct, ("bucket", id));
                var bucket = BalanceViews.BucketsOf(balance, line.Id, Base(http, options), await PoolOfAsync(grains, line)).FirstOrDefault(b => b.Id == id) ?? throw TmfProblemException.NotFound("bucket", id);
                return OneResult(http, bucket);
            })
            .WithName("retrieveBucket")
            .WithSummary("One bucket of a line")
            .Produces<Bucket>()
            .ProducesTmfErrors(400, 401, 403, 404);

        group.MapGet("/topupBalance", async (HttpContext http, IGrainFactory grains, IProductInventory inventory, PersonalDataProtector protector, IOptions<DialtoneOptions> options, CancellationToken ct) =>
            {
                var line = await VisibleLineAsync(http, inventory, RequiredProductFilter(http), ct);
                var records = await grains.GetGrain<IChargingAccountGrain>(ChargingAccountIds.Of(line.Id)).TopUpsAsync();
                var views = records.Reverse().Select(record => BalanceViews.TopUpOf(record, Base(http, options), http.GetCaller().IsCustomerCare, protector)).ToList();
                return ListResult(http, views);
            })
            .WithName("listTopupBalance")
            .WithSummary($"The latest top-ups of one line (filter product.id, required), newest first; the account keeps its last {ChargingAccountGrain.TopUpsKept}")
            .Produces<IReadOnlyList<TopupBalance>>()
            .ProducesTmfErrors(400, 401, 403, 404);

        group.MapGet("/topupBalance/{id}", async (string id, HttpContext http, IGrainFactory grains, IProductInventory inventory, PersonalDataProtector protector, IOptions<DialtoneOptions> options, CancellationToken ct) =>
            {
                var account = BalanceViews.AccountOfTopUp(id) ?? throw TmfProblemException.NotFound("topupBalance", id);
                var record = (await grains.GetGrain<IChargingAccountGrain>(account).TopUpsAsync()).FirstOrDefault(r => r.Id == id)
                             ?? throw TmfProblemException.NotFound("topupBalance", id);
                await VisibleLineAsync(http, inventory, record.ProductId, ct, ("topupBalance", id));
                return OneResult(http, BalanceViews.TopUpOf(record, Base(http, options), http.GetCaller().IsCustomerCare, protector));
            })
            .WithName("retrieveTopupBalance")
            .WithSummary("One top-up")
            .Produces<TopupBalance>()
            .ProducesTmfErrors(400, 401, 403, 404);

        group.MapPost("/topupBalance", TopUps.CreateAsync)
            .WithName("createTopupBalance")
            .WithSummary("Credit a prepaid line: an amount (agents and admins) or a voucher (also the line's holder); Idempotency-Key required")
            .Accepts<TopupBalanceCreate>("application/json")
            .Produces<TopupBalance>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 401, 403, 404, 409, 413, 415, 422);

        endpoints.MapPost("/admin/voucherBatches", TopUps.IssueVouchersAsync)
            .WithTags("Administration")
            .RequireAuthorization(DialtonePolicies.Admin)
            .WithName("issueVoucherBatch")
            .WithSummary("Issue a batch of prepaid vouchers (Idempotency-Key required: a retry answers the same codes); Dialtone keeps only their keyed hashes")
            .Accepts<VoucherBatchCreate>("application/json")
            .Produces<VoucherBatch>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 401, 403, 413, 415, 422);
        return endpoints;
    }

    internal static string Base(HttpContext http, IOptions<DialtoneOptions> options) => TmfResourceEndpoints.BaseUrl(http, options.Value) + Root;

    /// <summary>
    /// A list answered the TMF630 way: <c>offset</c>/<c>limit</c> page it (<c>X-Total-Count</c>, <c>X-Result-Count</c>, 206
    /// for a part), <c>fields</c> keeps the named top-level attributes besides <c>id</c>, <c>href</c> and <c>@type</c>.
    /// </summary>
    private static IResult ListResult<T>(HttpContext http, IReadOnlyList<T> items)
    {
        var (offset, limit) = TmfListQuery.ParsePaging(http.Request.Query);
        var fields = TmfListQuery.ParseFields(http.Request.Query, Attributes<T>.Names, typeof(T).Name);
        var page = items.Skip(offset).Take(limit).Select(item => Project(item, fields)).ToList();
        var status = TmfResourceEndpoints.WriteListHeaders(http.Response, offset, page.Count, items.Count);
        return Results.Json(new JsonArray([.. page]), TmfJson.Options, statusCode: status);
    }

    /// <summary>One resource, with <c>fields</c> applied as in lists.</summary>
    private static IResult OneResult<T>(HttpContext http, T item) =>
        Results.Json(Project(item, TmfListQuery.ParseFields(http.Request.Query, Attributes<T>.Names, typeof(T).Name)), TmfJson.Options);

    /// <summary>The representation with only the named top-level attributes besides <c>id</c>, <c>href</c> and <c>@type</c> (all when none are named).</summary>
    private static JsonObject Project<T>(T item, HashSet<string>? fields)
    {
        var json = TmfRepresentation.ToJsonObject(item);
        if (fields is not null)
        {
            foreach (var name in json.Select(pair => pair.Key).Where(name => name is not ("id" or "href" or "@type") && !fields.Contains(name)).ToList())
            {
                json.Remove(name);
            }
        }

        return json;
    }

    /// <summary>A list representation's top-level attribute names, read once per type.</summary>
    private static class Attributes<T>
    {
        public static readonly HashSet<string> Names = TmfResourceDescriptor.JsonAttributesOf(typeof(T));
    }

    private static string RequiredProductFilter(HttpContext http)
    {
        var values = http.Request.Query["product.id"];
        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]))
        {
            throw TmfProblemException.BadRequest("MISSING_FILTER", "Name one line: product.id={id} (exactly once).");
        }

        var unknown = http.Request.Query.Keys.FirstOrDefault(key => key is not ("product.id" or "fields" or "offset" or "limit"));
        if (unknown is not null)
        {
            throw TmfProblemException.BadRequest("INVALID_FILTER", $"'{unknown}' is not a filter of this list; it takes product.id.");
        }

        return values[0]!;
    }

    /// <summary>The shared pool of the line's bundle, while the line draws on it.</summary>
    private static async Task<(string BundleId, PoolBalance Balance)?> PoolOfAsync(IGrainFactory grains, InventoryProduct line)
    {
        if (line.BundleProductId is not { } bundle)
        {
            return null;
        }

        var pool = await grains.GetGrain<ISharedPoolGrain>(SharedPoolIds.Of(bundle)).BalanceAsync();
        return pool is not null && pool.Members.Contains(ChargingAccountIds.Of(line.Id)) ? (bundle, pool) : null;
    }

    /// <summary>
    /// The line (a product with an IMSI) the caller may see: agents and admins any, a customer the lines that name their
    /// party (holder or user), a partner the lines of its own orders. Anything else is a 404, as if it did not exist.
    /// </summary>
    internal static async Task<InventoryProduct> VisibleLineAsync(HttpContext http, IProductInventory inventory, string productId, CancellationToken ct,
        (string Resource, string Id)? shownAs = null)
    {
        var caller = http.GetCaller();
        var product = productId.Length <= 64 ? await inventory.FindAsync(productId, ct) : null;
        var visible = product is not null && product.Characteristic("imsi") is not null && (caller.IsCustomerCare
            || (caller.IsSelfService && product.RelatedParties.Any(party => party.Id == caller.PartyId))
            || (caller.IsPartner && product.CreatedBy is not null && product.CreatedBy == caller.OwnerKey));
        return visible ? product! : throw TmfProblemException.NotFound(shownAs?.Resource ?? "product", shownAs?.Id ?? productId);
    }
}
