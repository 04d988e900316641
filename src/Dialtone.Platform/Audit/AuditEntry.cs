using System.Diagnostics;
using Dialtone.Platform.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dialtone.Platform.Audit;

/// <summary>
/// One line of the append-only audit log: who (subject, client, roles, on behalf of whom) did what to which record,
/// when, under which trace. It holds ids and attribute names, never the values (no personal data), so erasure leaves it
/// as it is. Each module keeps its own, written in the same transaction as the change it records; the database refuses
/// to update or delete a line (triggers installed at start).
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The user or client id that acted.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The OAuth client the subject used, when it came with a token.</summary>
    public string? ClientId { get; init; }

    public string Roles { get; init; } = "";

    /// <summary>The party an agent declared acting for (the <c>Dialtone-On-Behalf-Of</c> header).</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary><c>create</c>, <c>read</c>, <c>list</c>, <c>update</c>, <c>delete</c>, <c>export</c>, <c>erase</c>…</summary>
    public string Action { get; init; } = "";

    public string ResourceType { get; init; } = "";

    /// <summary>The record acted on; <c>list</c> for a list (its ids are in <see cref="ListedIds"/>).</summary>
    public string RecordId { get; init; } = "";

    /// <summary>For a list, every id it returned (comma-separated, not indexed).</summary>
    public string? ListedIds { get; init; }

    /// <summary>Attribute names changed, or the filters of a list (names only, never their values).</summary>
    public string? Details { get; init; }

    public string? TraceId { get; init; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable(AuditTrail.Table);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Subject).HasMaxLength(128);
        builder.Property(e => e.ClientId).HasMaxLength(128);
        builder.Property(e => e.Roles).HasMaxLength(256);
        builder.Property(e => e.OnBehalfOf).HasMaxLength(64);
        builder.Property(e => e.Action).HasMaxLength(32);
        builder.Property(e => e.ResourceType).HasMaxLength(64);
        builder.Property(e => e.TraceId).HasMaxLength(32);
        builder.Property(e => e.RecordId).HasMaxLength(64);
        builder.HasIndex(e => e.RecordId);
        builder.HasIndex(e => new { e.Subject, e.At });
        builder.HasIndex(e => new { e.OnBehalfOf, e.At });
    }
}

/// <summary>Writes audit lines for a request's caller.</summary>
public static class AuditTrail
{
    public const string Table = "audit_log";

    /// <summary>The header an agent sends when acting for a customer (a party id).</summary>
    public const string OnBehalfOfHeader = "Dialtone-On-Behalf-Of";

    /// <summary>The party an agent says they act for, from the request's <see cref="OnBehalfOfHeader"/>; ignored from anyone but care.</summary>
    public static string? OnBehalfOf(HttpContext? http) =>
        http is not null && http.GetCaller().IsCustomerCare && http.Request.Headers[OnBehalfOfHeader].ToString() is { Length: > 0 } value
            ? value[..Math.Min(value.Length, 64)]
            : null;

    /// <summary>Adds a line to <paramref name="db"/>; it commits with the caller's change.</summary>
    public static void Record(DbContext db, Caller caller, string? onBehalfOf, DateTimeOffset now, string action, string resourceType, string recordId,
        string? details = null, string? listedIds = null)
    {
        db.Set<AuditEntry>().Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(now),
            At = now,
            Subject = caller.Subject ?? "anonymous",
            ClientId = caller.ClientId,
            Roles = string.Join(',', caller.Roles.Order(StringComparer.Ordinal)),
            OnBehalfOf = onBehalfOf,
            Action = action,
            ResourceType = resourceType,
            RecordId = listedIds is null ? recordId : "list",
            ListedIds = listedIds,
            Details = details is { Length: > 1000 } ? details[..1000] : details,
            TraceId = Activity.Current?.TraceId.ToString(),
        });
    }
}
