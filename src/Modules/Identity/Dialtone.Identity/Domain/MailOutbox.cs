using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dialtone.Identity.Domain;

/// <summary>
/// A mail Dialtone would send. There is no mail server: messages stay in this outbox, where the demo (and an admin,
/// through <c>GET /admin/mail</c>) can read them.
/// </summary>
internal sealed class MailMessage
{
    public Guid Id { get; set; }

    public string To { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

internal static class MailOutbox
{
    /// <summary>Deletes every mail to <paramref name="email"/> (a compensated sign-up, an erasure).</summary>
    public static Task<int> DeleteMailsToAsync(this Persistence.IdentityStoreDbContext db, string email, CancellationToken cancellationToken) =>
        db.MailOutbox.Where(m => m.To == email).ExecuteDeleteAsync(cancellationToken);
}

internal sealed class MailMessageConfiguration : IEntityTypeConfiguration<MailMessage>
{
    public void Configure(EntityTypeBuilder<MailMessage> builder)
    {
        builder.ToTable("mail_outbox");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.To).HasMaxLength(1024);
        builder.Property(m => m.Subject).HasMaxLength(200);
        builder.HasIndex(m => new { m.To, m.CreatedAt });
    }
}
