using System.Text.Json.Serialization;
using Dialtone.Identity.Domain;
using Dialtone.Identity.Features.Login;
using Dialtone.Identity.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Identity.Features.SignUp;

/// <summary>The one-time code a new subscriber got by mail, to confirm their email address.</summary>
internal sealed record EmailConfirmation(
    [property: JsonPropertyName("email"), JsonRequired] string Email,
    [property: JsonPropertyName("code"), JsonRequired] string Code);

/// <summary>Whom to send a new confirmation code.</summary>
internal sealed record CodeRequest([property: JsonPropertyName("email"), JsonRequired] string Email);

/// <summary>A mail in the outbox, as an admin reads it.</summary>
internal sealed record OutboxMail(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt);

/// <summary>
/// <c>POST /selfservice/signup/confirm</c> turns an unconfirmed login into one that can sign in; <c>POST /selfservice/signup/resend</c>
/// mails a new code. A wrong code counts as a failed sign-in (lockout), and both are rate-limited like the login.
/// Unknown and already confirmed addresses get the same answers as wrong codes, so addresses cannot be probed.
/// </summary>
internal static class SignUpConfirmation
{
    public static IEndpointRouteBuilder MapSignUpConfirmation(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/selfservice/signup").WithTags("Sign-up");
        group.MapPost("resend", ResendAsync)
            .WithSummary("Mail a new confirmation code (the old one stops working); always 202, whether or not the address has a pending sign-up")
            .Accepts<CodeRequest>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesTmfErrors(400, 413, 415, 429)
            .AllowAnonymous()
            .RequireRateLimiting(LoginRateLimit.Policy)
            .DisableAntiforgery();

        group.MapPost("confirm", ConfirmAsync)
            .WithSummary("Confirm a new subscriber's email with the code from the confirmation mail")
            .Accepts<EmailConfirmation>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesTmfErrors(400, 413, 415, 429)
            .AllowAnonymous()
            .RequireRateLimiting(LoginRateLimit.Policy)
            .DisableAntiforgery();

        endpoints.MapGet("/admin/mail", async (string? to, IdentityStoreDbContext db, CancellationToken ct) =>
            {
                var query = db.MailOutbox.AsNoTracking();
                if (!string.IsNullOrWhiteSpace(to))
                {
                    var address = to.Trim().ToLowerInvariant();
                    query = query.Where(m => m.To == address);
                }

                var mails = await query.OrderByDescending(m => m.CreatedAt).Take(100).ToListAsync(ct);
                return Results.Ok(mails.Select(m => new OutboxMail(m.Id, m.To, m.Subject, m.Body, m.CreatedAt)));
            })
            .WithTags("Administration")
            .WithSummary("The mail outbox (newest first, at most 100): what Dialtone would have mailed; there is no mail server")
            .Produces<List<OutboxMail>>()
            .ProducesTmfErrors(401, 403)
            .RequireAuthorization(DialtonePolicies.Admin);
        return endpoints;
    }

    private static async Task<IResult> ResendAsync(HttpRequest request, UserManager<IdentityUser> users, SubscriberAccounts subscribers, CancellationToken ct)
    {
        var input = TmfRepresentation.FromJson<CodeRequest>(await TmfBody.ReadObjectAsync(request, ct));
        var user = await users.FindByEmailAsync(input.Email.Trim().ToLowerInvariant());
        if (user is { EmailConfirmed: false } && !await users.IsLockedOutAsync(user))
        {
            // A new security stamp retires the previous code.
            await users.UpdateSecurityStampAsync(user);
            await subscribers.SendConfirmationCodeAsync(user, ct);
        }

        return Results.Accepted();
    }

    private static async Task<IResult> ConfirmAsync(HttpRequest request, UserManager<IdentityUser> users, CancellationToken ct)
    {
        var input = TmfRepresentation.FromJson<EmailConfirmation>(await TmfBody.ReadObjectAsync(request, ct));
        var invalid = TmfProblemException.BadRequest("INVALID_CODE", "The code is wrong or has expired; ask for a new one with POST /selfservice/signup/resend.");
        var user = await users.FindByEmailAsync(input.Email.Trim().ToLowerInvariant());
        if (user is null || user.EmailConfirmed || await users.IsLockedOutAsync(user))
        {
            throw invalid;
        }

        var confirmed = await users.ConfirmEmailAsync(user, input.Code.Trim());
        if (!confirmed.Succeeded)
        {
            await users.AccessFailedAsync(user);
            throw invalid;
        }

        await users.ResetAccessFailedCountAsync(user);
        return Results.NoContent();
    }
}
