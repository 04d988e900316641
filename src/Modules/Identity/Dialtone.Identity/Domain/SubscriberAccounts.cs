using System.Security.Claims;
using Dialtone.Identity.Contracts;
using Dialtone.Identity.Persistence;
using Dialtone.Platform.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Identity.Domain;

/// <summary>Customer logins: created unconfirmed with the customer role and their party, confirmed with a code sent to the mail outbox.</summary>
internal sealed class SubscriberAccounts(UserManager<IdentityUser> users, IdentityAccounts accounts, IdentityStoreDbContext db, TimeProvider clock) : ISubscriberAccounts
{
    public async Task<SubscriberRegistration> RegisterAsync(string email, string password, string partyId, CancellationToken cancellationToken)
    {
        await accounts.EnsureRolesAsync();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = false, LockoutEnabled = true };

        // The password first, whoever owns the address: a weak password is refused the same way for every address.
        foreach (var validator in users.PasswordValidators)
        {
            var checkedPassword = await validator.ValidateAsync(users, user, password);
            if (!checkedPassword.Succeeded)
            {
                return new SubscriberRegistration.PasswordRejected([.. checkedPassword.Errors.Select(e => e.Description)]);
            }
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            await MailAsync(email, "Someone tried to sign up with your address",
                "Somebody (perhaps you) tried to open a Dialtone account with this address, which already has one. If it was you, sign in, or reset your password. If not, you can ignore this mail.",
                cancellationToken);
            return new SubscriberRegistration.EmailTaken();
        }

        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, password);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // Two sign-ups with one address at the same moment: the unique index let one through.
            if (await users.FindByEmailAsync(email) is not null)
            {
                return new SubscriberRegistration.EmailTaken();
            }

            throw;
        }

        if (!created.Succeeded)
        {
            if (created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)))
            {
                return new SubscriberRegistration.EmailTaken();
            }

            if (created.Errors.All(e => e.Code.StartsWith("Password", StringComparison.Ordinal)))
            {
                return new SubscriberRegistration.PasswordRejected([.. created.Errors.Select(e => e.Description)]);
            }

            throw new InvalidOperationException("Could not create the login: " + string.Join("; ", created.Errors.Select(e => e.Code)));
        }

        await users.AddToRoleAsync(user, DialtoneRoles.Customer);
        await users.AddClaimAsync(user, new Claim(Caller.PartyClaim, partyId));
        await SendConfirmationCodeAsync(user, cancellationToken);
        return new SubscriberRegistration.Registered(user.Id);
    }

    public async Task RemoveAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is { } user)
        {
            var email = user.Email ?? "";
            await db.DeleteMailsToAsync(email, cancellationToken);
            await users.DeleteAsync(user);
        }
    }

    public async Task ConfirmWithoutCodeAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is { EmailConfirmed: false } user)
        {
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
        }
    }

    public async Task SendConfirmationCodeAsync(IdentityUser user, CancellationToken cancellationToken)
    {
        var code = await users.GenerateEmailConfirmationTokenAsync(user);
        await MailAsync(user.Email!, "Your Dialtone confirmation code",
            $"Welcome to Dialtone. Your confirmation code is {code}. It expires in a few minutes; if you did not sign up, ignore this mail.",
            cancellationToken);
    }

    private async Task MailAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        db.MailOutbox.Add(new MailMessage { Id = Guid.CreateVersion7(clock.GetUtcNow()), To = to, Subject = subject, Body = body, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }
}
