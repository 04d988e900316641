using System.Text.Json.Nodes;
using Dialtone.Identity.Persistence;
using Dialtone.Platform.Json;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Identity.Domain;

/// <summary>A person's login and the mails sent to them: exported; erased by deleting both (the login goes last, in the request's final step).</summary>
internal sealed class IdentityPersonalData(UserManager<IdentityUser> users, IdentityStoreDbContext db) : IPersonalDataHolder
{
    public string Module => IdentityStoreDbContext.ModuleName;

    public int ErasureOrder => 100;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(subject.UserId);
        if (user is null)
        {
            return new JsonObject();
        }

        var email = user.Email ?? "";
        var mails = await db.MailOutbox.AsNoTracking().Where(m => m.To == email).OrderBy(m => m.CreatedAt).ToListAsync(cancellationToken);
        return new JsonObject
        {
            ["login"] = new JsonObject
            {
                ["userId"] = user.Id,
                ["email"] = user.Email,
                ["emailConfirmed"] = user.EmailConfirmed,
                ["roles"] = new JsonArray([.. (await users.GetRolesAsync(user)).Select(r => (JsonNode)r)]),
                ["lockoutEnd"] = user.LockoutEnd is { } end ? UtcDateTimeOffsetConverter.Format(end) : null,
            },
            ["mails"] = new JsonArray([.. mails.Select(m => (JsonNode)new JsonObject
            {
                ["subject"] = m.Subject,
                ["body"] = m.Body,
                ["createdAt"] = UtcDateTimeOffsetConverter.Format(m.CreatedAt),
            })]),
        };
    }

    public Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public async Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(subject.UserId);
        if (user is null)
        {
            return;
        }

        var email = user.Email ?? "";
        await db.DeleteMailsToAsync(email, cancellationToken);
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded)
        {
            // Not a success: the endpoint fails, and asking again finishes the erasure.
            throw new InvalidOperationException("The login could not be deleted: " + string.Join("; ", deleted.Errors.Select(e => e.Code)));
        }
    }
}
