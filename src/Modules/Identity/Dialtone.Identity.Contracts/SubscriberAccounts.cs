namespace Dialtone.Identity.Contracts;

/// <summary>The outcome of registering a subscriber's login.</summary>
public abstract record SubscriberRegistration
{
    /// <summary>The login exists, unconfirmed; a confirmation code was written to the mail outbox.</summary>
    public sealed record Registered(string UserId) : SubscriberRegistration;

    /// <summary>Another login already uses this email; its owner was mailed about the attempt.</summary>
    public sealed record EmailTaken : SubscriberRegistration;

    /// <summary>The password does not meet the policy; the reasons say why.</summary>
    public sealed record PasswordRejected(IReadOnlyList<string> Reasons) : SubscriberRegistration;
}

/// <summary>What the sign-up (in the parties module) asks of identity: a customer login tied to their party.</summary>
public interface ISubscriberAccounts
{
    /// <summary>Creates an unconfirmed customer login whose tokens name <paramref name="partyId"/>, and mails a confirmation code.</summary>
    Task<SubscriberRegistration> RegisterAsync(string email, string password, string partyId, CancellationToken cancellationToken);

    /// <summary>Marks a login's email confirmed without a code: only the demo data does this, for subscribers whose mailboxes do not exist.</summary>
    Task ConfirmWithoutCodeAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Removes a login whose sign-up could not be completed (the compensation of <see cref="RegisterAsync"/>).</summary>
    Task RemoveAsync(string userId, CancellationToken cancellationToken);
}
