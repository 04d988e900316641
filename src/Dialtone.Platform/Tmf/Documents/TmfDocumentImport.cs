using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>
/// Bulk imports (issue 6): documents staged in a batch, committed by the caller in one transaction, with their search
/// entries (keyed hashes for personal attributes) and encrypted bodies like any other write, but without a TMF event
/// per record: a bulk import announces itself with one event for the whole job. Ids come from the source system's ids
/// (<see cref="IdFor"/>), so a batch loaded again finds its records instead of creating them twice.
/// </summary>
public static class TmfDocumentImport
{
    /// <summary>
    /// A stable UUID (version 8) for a record imported from <paramref name="source"/>: the same source id gives the same id
    /// on every run. Ids of one kind from one source sort in the order of their source ids' numbers (legacy systems number
    /// their records: <c>C00000042</c>), so a batch's records and every index entry that names them are appended to the
    /// B-trees instead of scattered across them: a batch dirties a few pages per index, not one per record (bench/README,
    /// session 20). Layout, big-endian: 16 bits of SHA-256(source:kind); the number in 44 bits (the version nibble
    /// between); the variant and 62 bits of SHA-256(source:kind:sourceId), which tell apart ids with the same number
    /// (<c>C42</c>, <c>X0042</c>). A source id that is not a number after a prefix without digits (<c>CUST-2024-7</c>, a
    /// UUID, more than 13 digits) takes those 44 bits from the hash too, so its id is as unpredictable as the hash.
    /// </summary>
    public static string IdFor(string source, string kind, string sourceId)
    {
        Span<byte> hash = stackalloc byte[32];
        Span<byte> id = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{source}:{kind}:{sourceId}"), hash);
        var order = OrderOf(sourceId) ?? (BinaryPrimitives.ReadUInt64BigEndian(hash[8..]) & MaxOrder);
        SHA256.HashData(Encoding.UTF8.GetBytes($"{source}:{kind}"), id);
        id[2] = (byte)(order >> 36);
        id[3] = (byte)(order >> 28);
        id[4] = (byte)(order >> 20);
        id[5] = (byte)(order >> 12);
        id[6] = (byte)(0x80 | ((order >> 8) & 0x0F));
        id[7] = (byte)order;
        hash[..8].CopyTo(id[8..]);
        id[8] = (byte)((id[8] & 0x3F) | 0x80);
        return new Guid(id[..16], bigEndian: true).ToString();
    }

    /// <summary>
    /// A stable UUID (name-based, SHA-256, version 8) with no order in it: for names that are not a source system's
    /// numbered records (an event's id), where ordering buys nothing and every bit should come from the hash. The ids
    /// <see cref="IdFor"/> gave before session 20.
    /// </summary>
    public static string HashIdFor(string source, string kind, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{source}:{kind}:{name}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private const ulong MaxOrder = (1UL << 44) - 1;

    /// <summary>The number of a source id that is digits after a prefix without any (at most 13: it fits 44 bits), or null.</summary>
    private static ulong? OrderOf(string sourceId)
    {
        var start = sourceId.Length;
        while (start > 0 && char.IsAsciiDigit(sourceId[start - 1]))
        {
            start--;
        }

        var digits = sourceId.Length - start;
        return digits is 0 or > 13 || sourceId.AsSpan(0, start).IndexOfAnyInRange('0', '9') >= 0
            ? null
            : ulong.Parse(sourceId.AsSpan(start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Which of <paramref name="ids"/> already exist as documents of the resource.</summary>
    public static async Task<HashSet<string>> ExistingAsync(ModuleDbContext db, TmfResourceDescriptor resource, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        [.. await db.Documents.Where(d => d.ResourceType == resource.Resource && ids.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken)];

    /// <summary>
    /// Creates one resource through its rules (defaults, validation) and stages it; the caller commits. For rules that
    /// need the database per record (numbering, references), use <see cref="Stage{TRepresentation}"/> with values the
    /// importing module has checked itself.
    /// </summary>
    public static async Task<TmfDocument> StageAsync<TRepresentation, TRules>(
        ModuleDbContext db, TRules rules, JsonObject body, TmfWriteContext context, string id, CancellationToken cancellationToken)
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var document = await CreateAsync<TRepresentation, TRules>(db, rules, body, context, id, cancellationToken);
        db.Documents.Add(document);
        return document;
    }

    /// <summary>Stages a resource exactly as given (the importing module has applied its rules); the caller commits.</summary>
    public static TmfDocument Stage<TRepresentation>(ModuleDbContext db, TmfResourceDescriptor resource, JsonObject body, string id, DateTimeOffset now, string? createdBy)
        where TRepresentation : class
    {
        var document = CreateFromJson<TRepresentation>(db, resource, body, id, now, createdBy);
        db.Documents.Add(document);
        return document;
    }

    /// <summary>As <see cref="StageAsync{TRepresentation, TRules}"/>, without staging: for <see cref="TmfDocumentBulk.InsertAsync"/>.</summary>
    public static async Task<TmfDocument> CreateAsync<TRepresentation, TRules>(
        ModuleDbContext db, TRules rules, JsonObject body, TmfWriteContext context, string id, CancellationToken cancellationToken)
        where TRepresentation : class
        where TRules : ITmfResourceRules<TRepresentation>
    {
        var representation = Prepare<TRepresentation>(rules.Resource, body, context.Now, id);
        rules.ApplyDefaults(representation, context);
        await rules.ValidateAsync(null, representation, context, cancellationToken);
        return Create(db, rules.Resource, representation, id, context.Now, context.Caller.OwnerKey);
    }

    /// <summary>As <see cref="Stage{TRepresentation}"/>, without staging: for <see cref="TmfDocumentBulk.InsertAsync"/>.</summary>
    public static TmfDocument CreateFromJson<TRepresentation>(ModuleDbContext db, TmfResourceDescriptor resource, JsonObject body, string id, DateTimeOffset now, string? createdBy)
        where TRepresentation : class =>
        Create(db, resource, Prepare<TRepresentation>(resource, body, now, id), id, now, createdBy);

    private static TRepresentation Prepare<TRepresentation>(TmfResourceDescriptor resource, JsonObject body, DateTimeOffset now, string id)
        where TRepresentation : class
    {
        body["id"] = id;
        if (resource.TimestampAttribute is { } stamped)
        {
            body[stamped] = UtcDateTimeOffsetConverter.Format(now);
        }

        body["@type"] ??= resource.TypeName;
        return TmfRepresentation.FromJson<TRepresentation>(body);
    }

    /// <summary>
    /// A new document of <paramref name="representation"/> with its search entries, not staged: for
    /// <see cref="TmfDocumentBulk.InsertAsync"/>. Its values are the writer's own (already checked); sets no timestamp attribute.
    /// </summary>
    public static TmfDocument Create<TRepresentation>(ModuleDbContext db, TmfResourceDescriptor resource, TRepresentation representation, string id, DateTimeOffset now, string? createdBy)
        where TRepresentation : class =>
        Build(db, resource, TmfRepresentation.ToJsonObject(representation), id, now, createdBy);

    /// <summary>
    /// As <see cref="Create{TRepresentation}"/>, for a representation an importer built as its type from another system's
    /// values: checked for what no stored text may hold (<see cref="TmfRepresentation.EnsureStorable"/>, as a request body
    /// is), and serialised once — <see cref="CreateFromJson{TRepresentation}"/> would read a JSON body into the type first.
    /// </summary>
    public static TmfDocument CreateImported<TRepresentation>(ModuleDbContext db, TmfResourceDescriptor resource, TRepresentation representation, string id, DateTimeOffset now,
        string? createdBy)
        where TRepresentation : class
    {
        var json = TmfRepresentation.ToJsonObject(representation);
        TmfRepresentation.EnsureStorable(json);
        return Build(db, resource, json, id, now, createdBy);
    }

    private static TmfDocument Build(ModuleDbContext db, TmfResourceDescriptor resource, JsonObject json, string id, DateTimeOffset now, string? createdBy)
    {
        json.Remove("href");
        json["id"] = id;
        json["@type"] ??= resource.TypeName;
        var protector = ProtectedColumns.RequiredProtectorOf(db);
        return TmfDocument.Create(resource.Resource, id, json.ToJsonString(TmfJson.Options), now, resource.ExtractSearchEntries(id, json, protector), createdBy);
    }
}
