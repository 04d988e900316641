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

/// <summary>
/// GET by id served from memory: documents read recently, invalidated on this node when a write commits, and
/// expiring after <c>Dialtone:ReadCache:TimeToLive</c> so that a write on another node (or a read that raced a
/// write) is seen within that time. See docs/decisions/0008-read-cache.md.
/// </summary>
public sealed class TmfReadCache : IDisposable
{
    private readonly MemoryCache cache;
    private readonly TimeSpan timeToLive;

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

    /// <summary>Called after a write to a document commits.</summary>
    public void Invalidate(string resource, string id) => cache.Remove((resource, id));

    public void Dispose() => cache.Dispose();
}
