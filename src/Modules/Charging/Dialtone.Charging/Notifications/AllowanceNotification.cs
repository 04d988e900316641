using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dialtone.Charging.Notifications;

/// <summary>
/// One party's notice that an allowance of one of their lines reached 80 % or 100 % (from <see cref="Contracts.AllowanceThresholdReached"/>):
/// what <c>GET /selfservice/me/notifications</c> lists. One row per event and party: its id is derived from both.
/// </summary>
internal sealed class AllowanceNotification
{
    public string Id { get; set; } = "";

    public string PartyId { get; set; } = "";

    /// <summary>The event's id (request, allowance, percent): what makes a redelivery change nothing.</summary>
    public string EventId { get; set; } = "";

    public string ProductId { get; set; } = "";

    public string BucketId { get; set; } = "";

    public string AllowanceName { get; set; } = "";

    public string AllowanceKind { get; set; } = "";

    public string Unit { get; set; } = "";

    public int Percent { get; set; }

    public long Used { get; set; }

    public long Amount { get; set; }

    public DateTimeOffset ReachedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A name-based UUID of the event and the party.</summary>
    public static string IdOf(string eventId, string partyId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"dialtone-notification:{eventId}\n{partyId}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}

internal sealed class AllowanceNotificationConfiguration : IEntityTypeConfiguration<AllowanceNotification>
{
    public void Configure(EntityTypeBuilder<AllowanceNotification> builder)
    {
        builder.ToTable("notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasMaxLength(36);
        builder.Property(n => n.PartyId).HasMaxLength(64);
        builder.Property(n => n.EventId).HasMaxLength(400);
        builder.Property(n => n.ProductId).HasMaxLength(64);
        builder.Property(n => n.BucketId).HasMaxLength(300);
        builder.Property(n => n.AllowanceName).HasMaxLength(200);
        builder.Property(n => n.AllowanceKind).HasMaxLength(16);
        builder.Property(n => n.Unit).HasMaxLength(16);
        builder.HasIndex(n => new { n.PartyId, n.ReachedAt });
    }
}
