using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dialtone.Identity.Contracts;
using Dialtone.Identity.Domain;
using Dialtone.Identity.Persistence;
using Dialtone.Platform.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dialtone.Identity.Handlers;

/// <summary>
/// Identity's door for <see cref="MailParty"/> (delivered at least once): one mail in the outbox per confirmed login of
/// the party, its id a name-based UUID of the message id and the login, so a redelivery queues nothing more. A party
/// without a confirmed login gets no mail (the portal still shows the notification). Public because Wolverine generates
/// the code that calls it.
/// </summary>
public static partial class MailPartyHandler
{
    public static async Task HandleAsync(MailParty message, IServiceScopeFactory scopes, TimeProvider clock, ILogger<MailParty> logger, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var db = scope.ServiceProvider.GetRequiredService<IdentityStoreDbContext>();
        var logins = (await users.GetUsersForClaimAsync(new Claim(Caller.PartyClaim, message.PartyId))).Where(user => user.EmailConfirmed && user.Email is not null).ToList();
        var queued = 0;
        foreach (var user in logins)
        {
            var id = MailIdOf(message.MessageId, user.Id);
            if (await db.MailOutbox.AnyAsync(mail => mail.Id == id, cancellationToken))
            {
                continue;
            }

            var now = clock.GetUtcNow();
            db.MailOutbox.Add(new MailMessage { Id = id, To = user.Email!, Subject = message.Subject, Body = message.Body, CreatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                queued++;
            }
            catch (DbUpdateException)
            {
                // Another delivery of the same message may have queued it in between: then this one is done.
                db.ChangeTracker.Clear();
                if (!await db.MailOutbox.AsNoTracking().AnyAsync(mail => mail.Id == id, cancellationToken))
                {
                    throw;
                }
            }
        }

        LogQueued(logger, message.MessageId, queued);
    }

    /// <summary>A name-based UUID (version 5 layout over SHA-256) of the message and the login.</summary>
    internal static Guid MailIdOf(string messageId, string userId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"dialtone-mail:{messageId}\n{userId}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service message {MessageId} queued in the mail outbox for {Count} logins")]
    private static partial void LogQueued(ILogger logger, string messageId, int count);
}
