namespace Dialtone.Accounts.Contracts;

/// <summary>
/// The accounts module's door for reading TMF666 billing accounts: ordering checks the account an order is billed to
/// and finds the one a customer holds. Ids, states and roles only; names and contacts stay in the module.
/// </summary>
public interface IBillingAccounts
{
    /// <summary>The billing account with this id, or null when there is none.</summary>
    Task<BillingAccountReference?> FindAsync(string billingAccountId, CancellationToken cancellationToken);

    /// <summary>The billing accounts that name <paramref name="partyId"/> in their related parties, in any role and state.</summary>
    Task<IReadOnlyList<BillingAccountReference>> NamingPartyAsync(string partyId, CancellationToken cancellationToken);
}

/// <summary>A billing account as other modules may know it.</summary>
/// <param name="Id">The account id.</param>
/// <param name="State">Its lifecycle state (see <see cref="BillingAccountStates"/>); null when never set.</param>
/// <param name="CreatedBy">Who created it (owner key): a partner may use only the accounts it created.</param>
/// <param name="RelatedParties">The parties it names, with their roles (see <see cref="AccountPartyRoles"/>).</param>
public sealed record BillingAccountReference(string Id, string? State, string? CreatedBy, IReadOnlyList<AccountParty> RelatedParties)
{
    /// <summary>Whether <paramref name="partyId"/> holds the account (is its <see cref="AccountPartyRoles.Owner"/>).</summary>
    public bool IsHeldBy(string partyId) =>
        RelatedParties.Any(p => p.Id == partyId && string.Equals(p.Role, AccountPartyRoles.Owner, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the account is closed: nothing new may be billed to it.</summary>
    public bool IsClosed => string.Equals(State, BillingAccountStates.Closed, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A party named by an account, with its role.</summary>
/// <param name="Id">The party id.</param>
/// <param name="Role">Its role on the account (<c>owner</c>, <c>payer</c>, <c>member</c>…); null when not given.</param>
public sealed record AccountParty(string Id, string? Role);

/// <summary>The roles of an account's related parties that other modules rely on.</summary>
public static class AccountPartyRoles
{
    /// <summary>The party that holds the account (the one a new customer's account is opened for).</summary>
    public const string Owner = "owner";
}

/// <summary>The lifecycle states of an account that other modules rely on.</summary>
public static class BillingAccountStates
{
    /// <summary>Open: the state of a new account.</summary>
    public const string Active = "active";

    /// <summary>Closed (by care, or when its holder's personal data was erased).</summary>
    public const string Closed = "closed";
}
