using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Idempotency;

/// <summary>What to do with a POST after looking at its <c>Idempotency-Key</c>.</summary>
public abstract record IdempotencyDecision
{
    /// <summary>No key: just run.</summary>
    public sealed record NoKey : IdempotencyDecision;

    /// <summary>The key is claimed for this request; complete it in the same SaveChanges as the change.</summary>
    public sealed record Proceed(IdempotencyRecord Record) : IdempotencyDecision;

    /// <summary>The same key and body were seen: answer the first response again.</summary>
    public sealed record Replay(IResult Response) : IdempotencyDecision;
}

/// <summary>
/// The IETF idempotency-key draft for any POST of any module: a key is scoped to the caller and the route; the same
/// key and canonical body within the lifetime replays the first response; another body is a 422; a duplicate while
/// the first still runs is a 409. The record lives in the module's database and completes in the change's transaction.
/// </summary>
public sealed class IdempotencyGate(TimeProvider clock, IOptions<DialtoneOptions> options, PersonalData.PersonalDataProtector protector)
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on the answer to a replayed request.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    private IdempotencyOptions Settings => options.Value.Idempotency;

    /// <summary>
    /// Looks at the request's key. A new key is claimed in a short transaction of its own (on its own DbContext, so the
    /// request's outbox sees only the change); <see cref="IdempotencyDecision.Proceed"/> then carries the record to
    /// complete in the change's own SaveChanges.
    /// </summary>
    public async Task<IdempotencyDecision> BeginAsync<TDb>(HttpContext http, JsonNode body, CancellationToken cancellationToken)
        where TDb : ModuleDbContext
    {
        if (!http.Request.Headers.ContainsKey(HeaderName))
        {
            return new IdempotencyDecision.NoKey();
        }

        await using var scope = http.RequestServices.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        return await BeginAsync(db, http, body, cancellationToken);
    }

    private async Task<IdempotencyDecision> BeginAsync(ModuleDbContext db, HttpContext http, JsonNode body, CancellationToken cancellationToken)
    {
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return new IdempotencyDecision.NoKey();
        }

        var key = values.ToString().Trim().Trim('"');
        if (values.Count != 1 || key.Length is 0 or > 255)
        {
            throw TmfProblemException.BadRequest("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be one value of 1 to 255 characters.");
        }

        // The route's pattern, not the raw path: /catalog, /catalog/ and /CATALOG are one route.
        var route = (http.GetEndpoint() as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        var scope = $"{http.GetCaller().ScopeKey} {http.Request.Method} {route}";
        if (scope.Length > 500)
        {
            scope = "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scope)));
        }
        var hash = Hash(body, protector);
        var now = clock.GetUtcNow();

        var existing = await db.IdempotencyRecords.FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, cancellationToken);
        if (existing is null)
        {
            var record = IdempotencyRecord.Claim(scope, key, hash, now, Settings);
            db.IdempotencyRecords.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new IdempotencyDecision.Proceed(record);
            }
            catch (DbUpdateException)
            {
                db.Entry(record).State = EntityState.Detached;
                existing = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, cancellationToken)
                           ?? throw Conflict();
            }
        }

        if (existing.ExpiresAt <= now || (!existing.Completed && existing.LeaseUntil <= now))
        {
            db.Attach(existing);
            existing.Reclaim(hash, now, Settings);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new IdempotencyDecision.Proceed(existing);
            }
            catch (DbUpdateConcurrencyException)
            {
                throw Conflict();
            }
        }

        if (existing.RequestHash != hash)
        {
            throw TmfProblemException.Unprocessable("IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was already used with a different request body.");
        }

        if (!existing.Completed)
        {
            throw Conflict();
        }

        return new IdempotencyDecision.Replay(new ReplayedResponse(existing));
    }

    /// <summary>Completes the claimed key with the response, in the same SaveChanges as the change it reports.</summary>
    public static void Complete(ModuleDbContext db, IdempotencyDecision decision, int status, string? location, string? etag, string body)
    {
        if (decision is IdempotencyDecision.Proceed { Record: var record })
        {
            db.IdempotencyRecords.Attach(record);
            record.Complete(status, location, etag, body);
        }
    }

    /// <summary>Gives the key back when the request it guarded was refused, so that a corrected retry is not blocked.</summary>
    public static async Task ReleaseAsync<TDb>(HttpContext http, IdempotencyDecision decision)
        where TDb : ModuleDbContext
    {
        if (decision is IdempotencyDecision.Proceed { Record: var record } && !record.Completed)
        {
            await using var scope = http.RequestServices.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TDb>();
            db.IdempotencyRecords.Attach(record);
            db.IdempotencyRecords.Remove(record);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateException)
            {
                // Another request reclaimed it after the lease; that request owns it now.
            }
        }
    }

    private static TmfProblemException Conflict() =>
        TmfProblemException.Conflict("IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is still being processed.");

    /// <summary>
    /// A keyed hash (HMAC, see <see cref="PersonalData.PersonalDataProtector.Hash"/>) of the canonical JSON (object members
    /// sorted, no insignificant whitespace): a body full of personal data cannot be guessed back from it.
    /// </summary>
    public static string Hash(JsonNode body, PersonalData.PersonalDataProtector protector)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, body);
        }

        return protector.Hash(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private sealed class ReplayedResponse(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = record.ResponseStatus ?? StatusCodes.Status200OK;
            if (record.ResponseLocation is not null)
            {
                response.Headers.Location = record.ResponseLocation;
            }

            if (record.ResponseETag is not null)
            {
                response.Headers.ETag = record.ResponseETag;
            }

            response.Headers[ReplayedHeaderName] = "true";
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(record.ResponseBody ?? "", Encoding.UTF8);
        }
    }
}
