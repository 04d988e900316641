using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Platform.Audit;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Hub;
using Dialtone.Platform.Idempotency;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Platform.Tmf;

/// <summary>
/// The TMF630 create/list/get/patch/delete of one resource, written once: paths, paging, fields, filters, sorting,
/// merge patch, ETags, idempotency keys, events in the outbox. A module supplies only the resource's rules.
/// </summary>
public static class TmfResourceEndpoints
{
    public const int MaxConcurrentRetries = 5;

    /// <param name="readPolicy">Lists and reads.</param>
    /// <param name="writePolicy">Updates (and creates and deletes unless <paramref name="createDeletePolicy"/> is given).</param>
    /// <param name="createDeletePolicy">Creates and deletes, when fewer callers may do them than may update (customers update their own data but do not create it).</param>
    public static RouteGroupBuilder MapTmfResource<TDb, TRepresentation, TRules>(this IEndpointRouteBuilder endpoints, string readPolicy, string writePolicy, string? createDeletePolicy = null)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var group = endpoints.MapTmfResourceReads<TDb, TRepresentation, TRules>(readPolicy);
        var resource = endpoints.ServiceProvider.GetRequiredService<TRules>().Resource;
        if (resource.OwnIndex)
        {
            throw new InvalidOperationException($"{resource.TypeName} is kept in a table of its module's own: its module writes it, not the generic create, patch and delete.");
        }

        var name = resource.TypeName;

        group.MapPost("", (HttpContext http, TDb db, IDbContextOutbox<TDb> outbox, TRules rules, IdempotencyGate gate, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct) =>
                CreateAsync<TDb, TRepresentation, TRules>(http, outbox, rules, gate, clock, options.Value, ct))
            .WithName($"create{name}")
            .WithSummary($"Create a {name}")
            .WithDescription("Returns 201 with Location, ETag and the created resource with every server-side default filled in. An Idempotency-Key header makes retries safe for 24 h.")
            .Accepts<TRepresentation>("application/json")
            .Produces<TRepresentation>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 401, 403, 409, 413, 415, 422)
            .RequireAuthorization(createDeletePolicy ?? writePolicy);

        group.MapPatch("{id}", (string id, HttpContext http, TRules rules, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct) =>
                PatchAsync<TDb, TRepresentation, TRules>(id, http, rules, clock, options.Value, ct))
            .WithName($"patch{name}")
            .WithSummary($"Update a {name} with a JSON merge patch")
            .WithDescription("application/merge-patch+json or application/json, both applied as RFC 7396 merge patch. id, href, the write timestamp (lastUpdate or lastModified), @type and @baseType are read-only. If-Match with the ETag guards against lost updates (412 when stale).")
            .Accepts<TRepresentation>(TmfBody.MergePatchMediaType, "application/json")
            .Produces<TRepresentation>(StatusCodes.Status200OK)
            .ProducesTmfErrors(400, 401, 403, 404, 409, 412, 413, 415)
            .RequireAuthorization(writePolicy);

        group.MapDelete("{id}", (string id, HttpContext http, IDbContextOutbox<TDb> outbox, TRules rules, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct) =>
                DeleteAsync<TDb, TRepresentation, TRules>(id, http, outbox, rules, clock, options.Value, ct))
            .WithName($"delete{name}")
            .WithSummary($"Delete a {name}")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesTmfErrors(401, 403, 404, 409, 412)
            .RequireAuthorization(createDeletePolicy ?? writePolicy);

        return group;
    }

    /// <summary>
    /// The list and retrieve operations alone, for resources that only the module itself writes (inventory, which only
    /// completed orders change).
    /// </summary>
    public static RouteGroupBuilder MapTmfResourceReads<TDb, TRepresentation, TRules>(this IEndpointRouteBuilder endpoints, string readPolicy)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var resource = endpoints.ServiceProvider.GetRequiredService<TRules>().Resource;
        var name = resource.TypeName;
        var group = endpoints.MapGroup(resource.BasePath).WithTags(name);

        group.MapGet("", (HttpContext http, TRules rules, TmfReadCache cache, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct) =>
                ListAsync<TDb, TRepresentation, TRules>(http, rules, cache, clock, options.Value, ct))
            .WithName($"list{name}")
            .WithSummary($"List or find {name} objects")
            .WithDescription("TMF630 paging (offset, limit ≤ 1000), attribute selection (fields), attribute filters (equality, comma-separated OR, .gt/.gte/.lt/.lte on numbers and dates) and sort (name, -lastUpdate). 206 when the page is partial.")
            .Produces<List<TRepresentation>>(StatusCodes.Status200OK)
            .Produces<List<TRepresentation>>(StatusCodes.Status206PartialContent)
            .WithMetadata(new TmfListParameters(resource))
            .ProducesTmfErrors(400, 401, 403)
            .RequireAuthorization(readPolicy);

        group.MapGet("{id}", (string id, HttpContext http, TRules rules, TmfReadCache cache, TimeProvider clock, IOptions<DialtoneOptions> options, CancellationToken ct) =>
                GetAsync<TDb, TRepresentation, TRules>(id, http, rules, cache, clock, options.Value, ct))
            .WithName($"retrieve{name}")
            .WithSummary($"Retrieve a {name} by id")
            .Produces<TRepresentation>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesTmfErrors(400, 401, 403, 404)
            .RequireAuthorization(readPolicy);

        return group;
    }

    /// <summary>A list page's TMF630 headers (<c>X-Total-Count</c>, <c>X-Result-Count</c>); returns its status: 200 for the whole list, 206 for a part.</summary>
    public static int WriteListHeaders(HttpResponse response, int offset, int returned, int total)
    {
        response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Result-Count"] = returned.ToString(CultureInfo.InvariantCulture);
        return offset == 0 && returned == total ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent;
    }

    public static string BaseUrl(HttpContext http, DialtoneOptions options)
    {
        if (options.PublicBaseUrl is { } configured)
        {
            return configured.TrimEnd('/');
        }

        var host = http.Request.Host.Value ?? "";
        if (host.Length > 255 || http.Request.PathBase.Value?.Length > 255)
        {
            throw TmfProblemException.BadRequest("INVALID_HOST", "The Host header is longer than a host name can be.");
        }

        return $"{http.Request.Scheme}://{host}{http.Request.PathBase}";
    }

    private static async Task<IResult> ListAsync<TDb, TRepresentation, TRules>(HttpContext http, TRules rules, TmfReadCache cache, TimeProvider clock, DialtoneOptions options, CancellationToken ct)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var resource = rules.Resource;
        var query = TmfListQuery.Parse(http.Request.Query, resource);
        var caller = http.GetCaller();
        var hidden = rules.HiddenAttributes(caller);
        var hiddenFilter = query.Filters.Select(f => f.Attribute.Path).FirstOrDefault(p => hidden.Contains(p.Split('.')[0]));
        if (hiddenFilter is not null)
        {
            throw TmfProblemException.BadRequest("INVALID_FILTER", $"'{hiddenFilter}' is not a filterable attribute for this caller.");
        }

        var baseUrl = BaseUrl(http, options);
        var cacheKey = rules.ListsMayBeCached && cache.Enabled ? cache.ListKey(resource.Resource, caller, baseUrl, http.Request.QueryString.Value) : null;
        if (cacheKey is null || !cache.TryGetList(cacheKey, out var list))
        {
            list = await QueryListAsync<TDb, TRepresentation>(http, rules, query, caller, hidden, baseUrl, clock, ct);
            if (cacheKey is not null)
            {
                cache.AddList(cacheKey, list);
            }
        }

        if (list!.Ids.Count > 0)
        {
            await AuditReadAsync<TDb, TRepresentation>(http, rules, caller, clock, "list", "list",
                string.Join(',', query.Filters.Select(f => f.Attribute.Path)), ct, listedIds: string.Join(',', list.Ids));
        }

        http.Response.StatusCode = WriteListHeaders(http.Response, list.Offset, list.Ids.Count, list.Total);
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.Body.WriteAsync(list.Body, ct);
        return Results.Empty;
    }

    /// <summary>The list in SQL: visibility, filters (personal ones by keyed hash), sort, page; rendered for this caller.</summary>
    private static async Task<CachedList> QueryListAsync<TDb, TRepresentation>(HttpContext http, ITmfResourceRules<TRepresentation> rules, TmfListQuery query,
        Caller caller, IReadOnlySet<string> hidden, string baseUrl, TimeProvider clock, CancellationToken ct)
        where TDb : ModuleDbContext
        where TRepresentation : class
    {
        var resource = rules.Resource;
        var db = http.RequestServices.GetRequiredService<TDb>();
        var protector = Protector(db);
        // Personal attributes are indexed by keyed hash: a filter compares hashes of the same normalised values.
        var filters = query.Filters.Select(filter => filter.Attribute.Personal is { } personal
            ? filter with { Texts = [.. filter.Texts.Select(v => TmfResourceDescriptor.SearchText(personal, v, protector))] }
            : filter).ToList();
        IReadOnlyList<TmfDocument> page;
        int total;
        if (OwnIndexOf(rules) is { } own)
        {
            (page, total) = await own.ListAsync(db, caller, filters, query.Sorts, query.Offset, query.Limit, ct);
        }
        else
        {
            // Every subquery on the entries names the resource: the (resource, path, value) indexes then find the matches; without
            // it SQLite probed every document of the resource (a self-service list of one's own accounts scanned all 58,000).
            var entries = db.SearchEntries.AsNoTracking().Where(e => e.ResourceType == resource.Resource);
            var documents = rules.VisibleTo(db.Documents.OfResource(resource), entries, caller, clock.GetUtcNow());
            foreach (var filter in filters)
            {
                documents = documents.WhereMatches(entries, filter);
            }

            page = await documents.OrderBySorts(entries, query.Sorts).Skip(query.Offset).Take(query.Limit).ToListAsync(ct);
            // A first page that is not full holds every match: the count is known without a second query.
            total = query.Offset == 0 && page.Count < query.Limit ? page.Count : await documents.CountAsync(ct);
        }

        var body = new JsonArray(page.Select(d => (JsonNode)Without(TmfRepresentation.ForCaller(d, resource, baseUrl, query.Fields), hidden)).ToArray());
        return new CachedList(total, query.Offset, [.. page.Select(d => d.Id)], JsonSerializer.SerializeToUtf8Bytes(body, TmfJson.Options));
    }

    /// <summary>The rules' own index for a resource declared with one (<see cref="TmfResourceDescriptor.OwnIndex"/>); null for any other.</summary>
    private static ITmfOwnIndex? OwnIndexOf<TRepresentation>(ITmfResourceRules<TRepresentation> rules)
        where TRepresentation : class
    {
        var own = rules as ITmfOwnIndex;
        return rules.Resource.OwnIndex == (own is not null)
            ? own
            : throw new InvalidOperationException($"{rules.Resource.TypeName}: a resource declared with its own index needs rules that implement {nameof(ITmfOwnIndex)}, and only such a resource may have them.");
    }

    private static async Task<IResult> GetAsync<TDb, TRepresentation, TRules>(string id, HttpContext http, TRules rules, TmfReadCache cache, TimeProvider clock, DialtoneOptions options, CancellationToken ct)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var resource = rules.Resource;
        var fields = TmfListQuery.ParseFields(http.Request.Query, resource);

        if (!cache.TryGet(resource.Resource, id, out var entry))
        {
            // The DbContext is resolved only on a miss: creating one is a fifth of a cached read's cost.
            var db = http.RequestServices.GetRequiredService<TDb>();
            var document = OwnIndexOf(rules) is { } own
                ? await own.FindAsync(db, id, ct)
                : await db.Documents.OfResource(resource).FirstOrDefaultAsync(d => d.Id == id, ct);
            if (document is null)
            {
                throw TmfProblemException.NotFound(resource.TypeName, id);
            }

            entry = cache.Add(resource.Resource, document, TmfRepresentation.FromStored<TRepresentation>(document));
        }

        var caller = http.GetCaller();
        if (!rules.IsVisibleTo((TRepresentation)entry!.Representation, entry.Document, caller, clock.GetUtcNow()))
        {
            throw TmfProblemException.NotFound(resource.TypeName, id);
        }

        await AuditReadAsync<TDb, TRepresentation>(http, rules, caller, clock, "read", id, null, ct);
        var etag = entry.Document.ETag;
        http.Response.Headers.ETag = etag;
        if (EntityTagMatches(http.Request.Headers.IfNoneMatch.ToString(), etag, weak: true))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var baseUrl = BaseUrl(http, options);
        var hidden = rules.HiddenAttributes(caller);
        return fields is null && hidden.Count == 0
            ? Results.Bytes(entry.Render(resource, baseUrl), "application/json; charset=utf-8")
            : Results.Json(Without(TmfRepresentation.ForCaller(entry.Document, resource, baseUrl, fields), hidden), TmfJson.Options, "application/json; charset=utf-8");
    }

    private static async Task<IResult> CreateAsync<TDb, TRepresentation, TRules>(HttpContext http, IDbContextOutbox<TDb> outbox, TRules rules, IdempotencyGate gate, TimeProvider clock, DialtoneOptions options, CancellationToken ct)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var resource = rules.Resource;
        var db = outbox.DbContext;
        var body = await TmfBody.ReadObjectAsync(http.Request, ct);
        foreach (var serverOwned in resource.ServerOwned)
        {
            if (body.ContainsKey(serverOwned))
            {
                throw TmfProblemException.BadRequest("READ_ONLY_ATTRIBUTE", $"'{serverOwned}' is assigned by the server and cannot be given on create.");
            }
        }

        var decision = await gate.BeginAsync<TDb>(http, body, ct);
        var committed = false;
        if (decision is IdempotencyDecision.Replay replay)
        {
            return replay.Response;
        }

        try
        {
            await using var transaction = await db.BeginSerializedWriteAsync(ct);
            var now = clock.GetUtcNow();
            var baseUrl = BaseUrl(http, options);
            var context = new TmfWriteContext(db, http.GetCaller(), baseUrl, now) { OnBehalfOf = AuditTrail.OnBehalfOf(http) };
            var (document, view) = await CreateDocumentAsync<TDb, TRepresentation, TRules>(outbox, rules, body, context, ct);
            var location = resource.Href(baseUrl, document.Id);
            var responseBody = view.ToJsonString(TmfJson.Options);
            IdempotencyGate.Complete(db, decision, StatusCodes.Status201Created, location, document.ETag, responseBody);

            await outbox.SaveChangesAndFlushMessagesAsync(ct);
            committed = true;

            http.Response.Headers.ETag = document.ETag;
            http.Response.Headers.Location = location;
            return Results.Text(responseBody, "application/json; charset=utf-8", statusCode: StatusCodes.Status201Created);
        }
        catch (Exception) when (decision is IdempotencyDecision.Proceed && !committed)
        {
            await IdempotencyGate.ReleaseAsync<TDb>(http, decision);
            throw;
        }
    }

    /// <summary>
    /// Creates one resource through its rules and stages it with its create event on the outbox; the caller commits with
    /// <c>SaveChangesAndFlushMessagesAsync</c>. Used by the POST endpoint and by anything that must create exactly as an API client would (demo data, imports).
    /// </summary>
    public static async Task<(TmfDocument Document, JsonObject View)> CreateDocumentAsync<TDb, TRepresentation, TRules>(
        IDbContextOutbox<TDb> outbox, TRules rules, JsonObject body, TmfWriteContext context, CancellationToken ct, string? id = null, bool publishEvent = true)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var resource = rules.Resource;
        var now = context.Now;
        id ??= Guid.CreateVersion7(now).ToString();
        var stored = body.DeepClone().AsObject();
        stored["id"] = id;
        if (resource.TimestampAttribute is { } stamped)
        {
            stored[stamped] = UtcDateTimeOffsetConverter.Format(now);
        }

        stored["@type"] ??= resource.TypeName;

        var representation = TmfRepresentation.FromJson<TRepresentation>(stored);
        rules.ApplyDefaults(representation, context);
        await rules.ValidateAsync(null, representation, context, ct);

        var json = TmfRepresentation.ToJsonObject(representation);
        json.Remove("href");
        var document = TmfDocument.Create(resource.Resource, id, json.ToJsonString(TmfJson.Options), now, resource.ExtractSearchEntries(id, json, Protector(outbox.DbContext)), context.Caller.OwnerKey);
        outbox.DbContext.Documents.Add(document);

        if (rules.AuditsAccess)
        {
            AuditTrail.Record(outbox.DbContext, context.Caller, context.OnBehalfOf, now, "create", resource.Resource, id, string.Join(',', body.Select(p => p.Key)));
        }

        var view = TmfRepresentation.ForCaller(document, resource, context.BaseUrl);
        if (publishEvent)
        {
            await outbox.PublishAsync(TmfEvents.Build(resource.ApiName, resource.Resource, resource.TypeName, TmfEventKind.Create, id, document.Version, view, now, Protector(outbox.DbContext), document.CreatedBy));
        }

        if (rules is ITmfCreateEffects<TDb, TRepresentation> effects)
        {
            await effects.OnCreatedAsync(representation, document, context, outbox, ct);
        }

        return (document, view);
    }

    private static async Task<IResult> PatchAsync<TDb, TRepresentation, TRules>(string id, HttpContext http, TRules rules, TimeProvider clock, DialtoneOptions options, CancellationToken ct)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var resource = rules.Resource;
        var patch = await TmfBody.ReadMergePatchAsync(http.Request, ct);
        var readOnly = patch.Select(p => p.Key).FirstOrDefault(resource.ReadOnlyOnPatch.Contains);
        if (readOnly is not null)
        {
            throw TmfProblemException.BadRequest("READ_ONLY_ATTRIBUTE", $"'{readOnly}' is read-only and cannot be patched.");
        }

        var ifMatch = http.Request.Headers.IfMatch.ToString();
        for (var attempt = 1; ; attempt++)
        {
            // Each attempt gets its own DbContext and outbox: events staged by an attempt that lost the race are never sent.
            await using var scope = http.RequestServices.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<TDb>>();
            var db = outbox.DbContext;
            await using var transaction = await db.BeginSerializedWriteAsync(ct);
            var document = await db.Documents.Include(d => d.SearchEntries)
                .FirstOrDefaultAsync(d => d.Id == id && d.ResourceType == resource.Resource, ct)
                ?? throw TmfProblemException.NotFound(resource.TypeName, id);
            var now = clock.GetUtcNow();
            EnsureVisible(rules, document, http.GetCaller(), now);
            CheckIfMatch(ifMatch, document);

            var baseUrl = BaseUrl(http, options);
            var beforeJson = JsonNode.Parse(document.Body)!.AsObject();
            var merged = TmfRepresentation.MergePatch(beforeJson, patch)!.AsObject();
            if (resource.TimestampAttribute is { } stamped)
            {
                merged[stamped] = UtcDateTimeOffsetConverter.Format(now);
            }


            var context = new TmfWriteContext(db, http.GetCaller(), baseUrl, now) { OnBehalfOf = AuditTrail.OnBehalfOf(http) };
            var before = TmfRepresentation.FromJson<TRepresentation>(beforeJson);
            var after = TmfRepresentation.FromJson<TRepresentation>(merged);
            await rules.ValidateAsync(before, after, context, ct);

            var json = TmfRepresentation.ToJsonObject(after);
            json.Remove("href");
            var view = await UpdateDocumentAsync(outbox, resource, document, beforeJson, json, context, rules.AuditsAccess);
            if (view is null)
            {
                // Nothing changes: no new version, no event.
                http.Response.Headers.ETag = document.ETag;
                return Results.Json(TmfRepresentation.ForCaller(document, resource, baseUrl), TmfJson.Options, "application/json; charset=utf-8");
            }

            try
            {
                await outbox.SaveChangesAndFlushMessagesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (ifMatch.Length == 0 && attempt < MaxConcurrentRetries)
            {
                // Another writer committed first: re-read and re-apply the patch to its version, never overwrite it.
                continue;
            }
            catch (DbUpdateConcurrencyException)
            {
                throw TmfProblemException.PreconditionFailed($"{resource.TypeName} '{id}' was changed by another request; read it again and retry.");
            }

            http.Response.Headers.ETag = document.ETag;
            return Results.Json(view, TmfJson.Options, "application/json; charset=utf-8");
        }
    }

    /// <summary>
    /// Stores a new version of a document (already judged by its rules) with its search entries, its audit line and its
    /// change events on the outbox; the caller commits. Returns the new view, or null when nothing changed (no version,
    /// no event). Used by PATCH and by module commands that change a resource as the system (consents, erasure).
    /// </summary>
    public static async Task<JsonObject?> UpdateDocumentAsync<TDb>(IDbContextOutbox<TDb> outbox, TmfResourceDescriptor resource, TmfDocument document,
        JsonObject beforeJson, JsonObject json, TmfWriteContext context, bool audited)
        where TDb : ModuleDbContext
    {
        var db = outbox.DbContext;
        if (db.Entry(document).State == EntityState.Detached)
        {
            throw new InvalidOperationException($"{resource.TypeName} '{document.Id}' was read without tracking; load it with ForUpdate so that the change is saved.");
        }

        var now = context.Now;
        var status = resource.StatusAttribute;
        var stateChanged = beforeJson[status]?.ToString() != json[status]?.ToString();
        var changed = TmfRepresentation.ChangedAttributes(beforeJson, json).Where(a => a != resource.TimestampAttribute).ToList();
        var attributesChanged = changed.Any(a => a != status);
        if (!stateChanged && !attributesChanged)
        {
            return null;
        }

        document.Replace(json.ToJsonString(TmfJson.Options), now, resource.ExtractSearchEntries(document.Id, json, Protector(db)));
        if (audited)
        {
            AuditTrail.Record(db, context.Caller, context.OnBehalfOf, now, "update", resource.Resource, document.Id, string.Join(',', changed));
        }

        var view = TmfRepresentation.ForCaller(document, resource, context.BaseUrl);
        if (attributesChanged)
        {
            await outbox.PublishAsync(TmfEvents.Build(resource.ApiName, resource.Resource, resource.TypeName, TmfEventKind.AttributeValueChange, document.Id, document.Version, view, now, Protector(db), document.CreatedBy));
        }

        if (stateChanged)
        {
            await outbox.PublishAsync(TmfEvents.Build(resource.ApiName, resource.Resource, resource.TypeName, TmfEventKind.StateChange, document.Id, document.Version, view, now, Protector(db), document.CreatedBy));
        }

        return view;
    }

    private static async Task<IResult> DeleteAsync<TDb, TRepresentation, TRules>(string id, HttpContext http, IDbContextOutbox<TDb> outbox, TRules rules, TimeProvider clock, DialtoneOptions options, CancellationToken ct)
        where TDb : ModuleDbContext
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var resource = rules.Resource;
        var db = outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(ct);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == id && d.ResourceType == resource.Resource, ct)
                       ?? throw TmfProblemException.NotFound(resource.TypeName, id);
        var now = clock.GetUtcNow();
        EnsureVisible(rules, document, http.GetCaller(), now);
        CheckIfMatch(http.Request.Headers.IfMatch.ToString(), document);

        var baseUrl = BaseUrl(http, options);
        var context = new TmfWriteContext(db, http.GetCaller(), baseUrl, now);
        await rules.EnsureDeletableAsync(TmfRepresentation.FromStored<TRepresentation>(document), context, ct);
        if (rules.AuditsAccess)
        {
            AuditTrail.Record(db, context.Caller, AuditTrail.OnBehalfOf(http), now, "delete", resource.Resource, id);
        }

        var view = TmfRepresentation.ForCaller(document, resource, baseUrl);
        db.Documents.Remove(document);
        await outbox.PublishAsync(TmfEvents.Build(resource.ApiName, resource.Resource, resource.TypeName, TmfEventKind.Delete, id, document.Version + 1, view, now, Protector(db), document.CreatedBy));
        try
        {
            await outbox.SaveChangesAndFlushMessagesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw TmfProblemException.PreconditionFailed($"{resource.TypeName} '{id}' was changed while it was being deleted; read it again and retry.");
        }

        return Results.NoContent();
    }

    /// <summary>A read of personal data by anyone but its owner (care, a partner) is audited at once, in its own transaction.</summary>
    private static async Task AuditReadAsync<TDb, TRepresentation>(HttpContext http, ITmfResourceRules<TRepresentation> rules, Caller caller, TimeProvider clock,
        string action, string recordId, string? details, CancellationToken ct, string? listedIds = null)
        where TDb : ModuleDbContext
        where TRepresentation : class
    {
        if (!rules.AuditsAccess || caller.IsSelfService)
        {
            return;
        }

        await using var scope = http.RequestServices.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        AuditTrail.Record(db, caller, AuditTrail.OnBehalfOf(http), clock.GetUtcNow(), action, rules.Resource.Resource, recordId, details, listedIds);
        await db.SaveChangesAsync(ct);
    }

    private static PersonalDataProtector Protector(ModuleDbContext db) =>
        ProtectedColumns.RequiredProtectorOf(db);

    /// <summary>A resource the caller may not see answers 404 to a change too, exactly as if it did not exist.</summary>
    private static void EnsureVisible<TRepresentation>(ITmfResourceRules<TRepresentation> rules, TmfDocument document, Caller caller, DateTimeOffset now)
        where TRepresentation : class
    {
        if (!rules.IsVisibleTo(TmfRepresentation.FromStored<TRepresentation>(document), document, caller, now))
        {
            throw TmfProblemException.NotFound(rules.Resource.TypeName, document.Id);
        }
    }

    private static void CheckIfMatch(string ifMatch, TmfDocument document)
    {
        if (ifMatch.Length == 0 || ifMatch == "*")
        {
            return;
        }

        if (!EntityTagMatches(ifMatch, document.ETag, weak: false))
        {
            throw TmfProblemException.PreconditionFailed($"If-Match {ifMatch} does not match the current ETag {document.ETag}.");
        }
    }

    /// <summary>RFC 9110: <c>*</c> or a comma-separated list; If-None-Match compares weakly, If-Match strongly.</summary>
    private static bool EntityTagMatches(string header, string etag, bool weak)
    {
        if (header.Length == 0)
        {
            return false;
        }

        return header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || tag == etag || (weak && tag.StartsWith("W/", StringComparison.Ordinal) && tag[2..] == etag));
    }

    private static JsonObject Without(JsonObject view, IReadOnlySet<string> hidden)
    {
        foreach (var name in hidden)
        {
            view.Remove(name);
        }

        return view;
    }
}
