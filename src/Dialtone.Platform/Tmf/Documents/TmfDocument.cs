using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>
/// One TMF resource as its module stores it: the representation as JSON (without <c>href</c>, which depends on
/// the caller's base URL), a version for optimistic concurrency, and the search entries of its declared
/// filterable attributes. See docs/decisions/0003-tmf-resources-as-documents-with-a-search-index.md.
/// </summary>
public sealed class TmfDocument
{
    private TmfDocument()
    {
    }

    public string Id { get; private set; } = "";

    public string ResourceType { get; private set; } = "";

    public string Body { get; private set; } = "";

    /// <summary>Incremented on every change; the ETag, and EF Core's concurrency token.</summary>
    public long Version { get; private set; }

    public DateTimeOffset LastUpdate { get; private set; }

    /// <summary>The subject (user or client id) that created the resource: what a partner may see is what it created.</summary>
    public string? CreatedBy { get; private set; }

    public List<TmfSearchEntry> SearchEntries { get; private set; } = [];

    public string ETag => $"\"{Version}\"";

    internal static TmfDocument Create(string resourceType, string id, string body, DateTimeOffset now, IEnumerable<TmfSearchEntry> entries, string? createdBy) =>
        new()
        {
            Id = id,
            CreatedBy = createdBy,
            ResourceType = resourceType,
            Body = body,
            Version = 1,
            LastUpdate = now,
            SearchEntries = entries.ToList(),
        };

    internal void Replace(string body, DateTimeOffset now, IEnumerable<TmfSearchEntry> entries)
    {
        Body = body;
        Version++;
        LastUpdate = now;
        SearchEntries.Clear();
        SearchEntries.AddRange(entries);
    }
}

/// <summary>One value of one declared attribute of a document, in the column of its kind, for filters and sorting in the database.</summary>
public sealed class TmfSearchEntry
{
    public long Id { get; set; }

    public string DocumentId { get; set; } = "";

    public string ResourceType { get; set; } = "";

    public string Path { get; set; } = "";

    public string? Text { get; set; }

    /// <summary>Numbers scaled by <see cref="TmfValues.NumberScale"/> so that both databases compare them as integers.</summary>
    public long? Number { get; set; }

    /// <summary>Date-times as Unix milliseconds in UTC.</summary>
    public long? Time { get; set; }
}

internal sealed class TmfDocumentConfiguration : IEntityTypeConfiguration<TmfDocument>
{
    public void Configure(EntityTypeBuilder<TmfDocument> builder)
    {
        builder.ToTable("documents");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).HasMaxLength(64);
        builder.Property(d => d.ResourceType).HasMaxLength(64).IsRequired();
        builder.Property(d => d.Body).IsRequired();
        builder.Property(d => d.CreatedBy).HasMaxLength(128);
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.Ignore(d => d.ETag);
        builder.HasIndex(d => new { d.ResourceType, d.Id });
        builder.HasIndex(d => new { d.ResourceType, d.CreatedBy });
        builder.HasMany(d => d.SearchEntries).WithOne().HasForeignKey(e => e.DocumentId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(d => d.SearchEntries).AutoInclude(false);
    }
}

internal sealed class TmfSearchEntryConfiguration : IEntityTypeConfiguration<TmfSearchEntry>
{
    public void Configure(EntityTypeBuilder<TmfSearchEntry> builder)
    {
        builder.ToTable("search_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.DocumentId).HasMaxLength(64);
        builder.Property(e => e.ResourceType).HasMaxLength(64);
        builder.Property(e => e.Path).HasMaxLength(128);
        builder.Property(e => e.Text).HasMaxLength(512);
        // An entry holds one value in the column of its kind, so each value index is partial: it holds only the entries of its
        // kind (an entry is written to two indexes, not four). Filters compare the column (=, IN, <, >), which implies
        // IS NOT NULL, so SQLite and PostgreSQL both use these indexes (ADR 0003; test SearchEntryIndexes).
        builder.HasIndex(e => new { e.ResourceType, e.Path, e.Text }).HasFilter("\"Text\" IS NOT NULL");
        builder.HasIndex(e => new { e.ResourceType, e.Path, e.Number }).HasFilter("\"Number\" IS NOT NULL");
        builder.HasIndex(e => new { e.ResourceType, e.Path, e.Time }).HasFilter("\"Time\" IS NOT NULL");
        builder.HasIndex(e => new { e.DocumentId, e.Path });
    }
}
