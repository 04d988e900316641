using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>A stored document as the read path keeps it: its version, its typed form for visibility rules, and its rendered bytes per base URL.</summary>
public sealed class CachedDocument(TmfDocument document, object representation)
{
    private readonly ConcurrentDictionary<string, byte[]> rendered = new(StringComparer.Ordinal);

    public TmfDocument Document { get; } = document;

    public object Representation { get; } = representation;

    public byte[] Render(TmfResourceDescriptor resource, string baseUrl) =>
        rendered.GetOrAdd(baseUrl, url => Encoding.UTF8.GetBytes(TmfRepresentation.ForCaller(Document, resource, url).ToJsonString(Json.TmfJson.Options)));
}

/// <summary>A list answer as the read path keeps it: the matching count, the ids of the page (for the audit) and the rendered bytes.</summary>
public sealed record CachedList(int Total, int Offset, IReadOnlyList<string> Ids, byte[] Body);

/// <summary>
/// GET by id served from memory: documents read recently, invalidated on this node when a write commits, and
/// expiring after <c>Dialtone:ReadCache:TimeToLive</c> so that a write on another node (or a read that raced a
/// write) is seen within that time. See docs/decisions/0008-read-cache.md.
/// </summary>
public sealed class TmfReadCache : IDisposable
{
    private readonly MemoryCache cache;
    private readonly TimeSpan timeToLive;
    private readonly ConcurrentDictionary<string, long> generations = new(StringComparer.Ordinal);

    public TmfReadCache(IOptions<DialtoneOptions> options)
    {
        var settings = options.Value.ReadCache;
        timeToLive = settings.TimeToLive;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = settings.MaxEntries });
    }

    public bool Enabled => timeToLive > TimeSpan.Zero;

    public bool TryGet(string resource, string id, out CachedDocument? document)
    {
        document = null;
        return Enabled && cache.TryGetValue((resource, id), out document);
    }

    public CachedDocument Add(string resource, TmfDocument document, object representation)
    {
        var entry = new CachedDocument(document, representation);
        if (Enabled)
        {
            cache.Set((resource, document.Id), entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = timeToLive });
        }

        return entry;
    }

    /// <summary>
    /// Called (by <see cref="TmfDocumentChanges"/>, for every write path) after a write to a document commits: the document,
    /// and every cached list of its resource, are forgotten.
    /// </summary>
    public void Invalidate(string resource, string id)
    {
        cache.Remove((resource, id));
        generations.AddOrUpdate(resource, 1, (_, generation) => generation + 1);
    }

    /// <summary>
    /// The cache key of a list answer: the resource's generation (bumped by every committed write of it on this node, so
    /// a list read before a write can never be served after it), the caller (what they may see), and the request.
    /// </summary>
    public string ListKey(string resource, Auth.Caller caller, string baseUrl, string? queryString)
    {
        var who = $"{caller.OwnerKey}|{caller.PartyId}|{string.Join(',', caller.Roles.Order(StringComparer.Ordinal))}|{(caller.Scopes is null ? "*" : string.Join(',', caller.Scopes.Order(StringComparer.Ordinal)))}";
        return $"{resource}|{generations.GetValueOrDefault(resource)}|{who}|{baseUrl}|{queryString}";
    }

    public bool TryGetList(string key, out CachedList? list)
    {
        list = null;
        return Enabled && cache.TryGetValue(key, out list);
    }

    public void AddList(string key, CachedList list)
    {
        if (Enabled)
        {
            cache.Set(key, list, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = timeToLive });
        }
    }

    public void Dispose() => cache.Dispose();
}
