using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dialtone.Charging.Usage.Persistence;

/// <summary>
/// A usage record's row (<c>records</c>): the attributes TMF635 lists filter and sort on, as columns, instead of a
/// search entry per attribute, and the record itself as the grain wrote it, rendered into TMF635 when read (ADR 0003,
/// amendment of 2026-11-29). Written once, never changed (records are not edited).
/// </summary>
internal sealed class UsageRecordRow
{
    /// <summary>The usage id.</summary>
    public string DocumentId { get; set; } = "";

    /// <summary>
    /// The record and the line's parties (<see cref="StoredUsage"/> as JSON, encrypted at rest as documents are); null for a
    /// record stored before this row existed, whose TMF635 document is in <c>documents</c>.
    /// </summary>
    public string? Record { get; set; }

    /// <summary>When the record was stored (Unix milliseconds): its <c>lastUpdate</c>; null with <see cref="Record"/>.</summary>
    public long? WrittenAt { get; set; }

    /// <summary><c>ratedProductUsage.productRef.id</c>: the line; null when the record has no rated product usage.</summary>
    public string? ProductId { get; set; }

    /// <summary><c>usageDate</c> in Unix milliseconds (as search entries hold times).</summary>
    public long UsageDate { get; set; }

    public string UsageType { get; set; } = "";

    public string Status { get; set; } = "";

    /// <summary>Whether a rated product usage is tagged <c>included</c> (<c>ratedProductUsage.usageRatingTag</c>).</summary>
    public bool Included { get; set; }

    /// <summary>Whether a rated product usage is tagged <c>overage</c>.</summary>
    public bool Overage { get; set; }

    /// <summary>Whether a rated product usage has <c>isBilled</c> true.</summary>
    public bool Billed { get; set; }

    /// <summary>Whether a rated product usage has <c>isBilled</c> false.</summary>
    public bool Unbilled { get; set; }
}

/// <summary>A party a usage record names (<c>relatedParty.id</c>, copied from the line when the record was written): who sees it.</summary>
internal sealed class UsagePartyRow
{
    public string PartyId { get; set; } = "";

    public string DocumentId { get; set; } = "";
}

internal sealed class UsageRecordRowConfiguration : IEntityTypeConfiguration<UsageRecordRow>
{
    public void Configure(EntityTypeBuilder<UsageRecordRow> builder)
    {
        builder.ToTable("records");
        builder.HasKey(r => r.DocumentId);
        builder.Property(r => r.DocumentId).HasMaxLength(36);
        builder.Property(r => r.ProductId).HasMaxLength(64);
        builder.Property(r => r.UsageType).HasMaxLength(16);
        builder.Property(r => r.Status).HasMaxLength(16);
        // Billing's read (a line's records in a period) and the owner's list of a line.
        builder.HasIndex(r => new { r.ProductId, r.UsageDate });
        // Lists of a period; dates grow with the ids, so this index is appended to.
        builder.HasIndex(r => r.UsageDate);
    }
}

internal sealed class UsagePartyRowConfiguration : IEntityTypeConfiguration<UsagePartyRow>
{
    public void Configure(EntityTypeBuilder<UsagePartyRow> builder)
    {
        builder.ToTable("record_parties");
        builder.HasKey(p => new { p.PartyId, p.DocumentId });
        builder.Property(p => p.PartyId).HasMaxLength(64);
        builder.Property(p => p.DocumentId).HasMaxLength(36);
    }
}
