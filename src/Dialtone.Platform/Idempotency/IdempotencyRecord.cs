using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dialtone.Platform.Idempotency;

/// <summary>
/// An <c>Idempotency-Key</c> a caller sent to a route, the hash of the body it came with, and the first response.
/// Kept in the module's own database so that the response is committed in the same transaction as the change it reports.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord()
    {
    }

    /// <summary>Caller and route: <c>{caller} {METHOD} {route}</c>.</summary>
    public string Scope { get; private set; } = "";

    public string Key { get; private set; } = "";

    public string RequestHash { get; private set; } = "";

    public bool Completed { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Until then a claim that never completed (its request died) blocks a retry with a 409.</summary>
    public DateTimeOffset LeaseUntil { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public int? ResponseStatus { get; private set; }

    public string? ResponseLocation { get; private set; }

    public string? ResponseETag { get; private set; }

    public string? ResponseBody { get; private set; }

    internal static IdempotencyRecord Claim(string scope, string key, string requestHash, DateTimeOffset now, IdempotencyOptions options) =>
        new()
        {
            Scope = scope,
            Key = key,
            RequestHash = requestHash,
            CreatedAt = now,
            LeaseUntil = now + options.InProgressLease,
            ExpiresAt = now + options.Lifetime,
        };

    internal void Reclaim(string requestHash, DateTimeOffset now, IdempotencyOptions options)
    {
        RequestHash = requestHash;
        CreatedAt = now;
        LeaseUntil = now + options.InProgressLease;
        ExpiresAt = now + options.Lifetime;
    }

    internal void Complete(int status, string? location, string? etag, string body)
    {
        Completed = true;
        ResponseStatus = status;
        ResponseLocation = location;
        ResponseETag = etag;
        ResponseBody = body;
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(r => new { r.Scope, r.Key });
        builder.Property(r => r.Scope).HasMaxLength(512);
        builder.Property(r => r.Key).HasMaxLength(255);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.ResponseLocation).HasMaxLength(2048);
        builder.Property(r => r.ResponseETag).HasMaxLength(64);
        builder.Property(r => r.ExpiresAt);
        builder.HasIndex(r => r.ExpiresAt);
    }
}
