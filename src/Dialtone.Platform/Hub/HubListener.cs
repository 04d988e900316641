using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dialtone.Platform.Hub;

/// <summary>A TMF688 listener registered on an API's <c>/hub</c>: where to POST which events, and the secret they are signed with.</summary>
public sealed class HubListener
{
    private HubListener()
    {
    }

    public string Id { get; private set; } = "";

    public string ApiName { get; private set; } = "";

    public string Callback { get; private set; } = "";

    public string? Query { get; private set; }

    /// <summary>The signing secret, protected with ASP.NET Core Data Protection; shown in clear only in the registration response.</summary>
    public string ProtectedSecret { get; private set; } = "";

    /// <summary>
    /// For a partner's listener, the partner's owner key (<c>client:…</c>/<c>user:…</c>): it receives the events of the
    /// resources the partner created only. Null (or, for listeners registered before this rule, a bare subject) for
    /// staff listeners, which receive every event of their API.
    /// </summary>
    public string? Owner { get; private set; }

    /// <summary>Whether the listener receives only the events of its owner's resources.</summary>
    public bool IsScopedToOwner => Owner is not null && (Owner.StartsWith("client:", StringComparison.Ordinal) || Owner.StartsWith("user:", StringComparison.Ordinal));

    public DateTimeOffset CreatedAt { get; private set; }

    internal static HubListener Create(string id, string apiName, string callback, string? query, string protectedSecret, string? owner, DateTimeOffset now) =>
        new()
        {
            Id = id,
            ApiName = apiName,
            Callback = callback,
            Query = query,
            ProtectedSecret = protectedSecret,
            Owner = owner,
            CreatedAt = now,
        };
}

internal sealed class HubListenerConfiguration : IEntityTypeConfiguration<HubListener>
{
    public void Configure(EntityTypeBuilder<HubListener> builder)
    {
        builder.ToTable("hub_listeners");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).HasMaxLength(64);
        builder.Property(l => l.ApiName).HasMaxLength(64).IsRequired();
        builder.Property(l => l.Callback).HasMaxLength(2048).IsRequired();
        builder.Property(l => l.Query).HasMaxLength(2048);
        builder.Property(l => l.ProtectedSecret).IsRequired();
        builder.Property(l => l.Owner).HasMaxLength(256);
        builder.HasIndex(l => l.ApiName);
    }
}
