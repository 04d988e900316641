namespace Dialtone.Parties.Contracts;

/// <summary>
/// Published (through the durable outbox) when a person signed up and became a customer: the accounts module opens
/// their billing account. Carries ids only: messages are stored in the outbox and the dead letters, so personal data
/// (the name) is looked up through <see cref="IPartyDirectory"/> by whoever needs it.
/// </summary>
/// <param name="PartyId">The TMF632 individual.</param>
/// <param name="CustomerId">The TMF629 customer.</param>
/// <param name="CustomerNumber">The customer's human-readable number (C-…).</param>
/// <param name="CreatedBy">The subject that created the customer (the sign-up, or a partner client).</param>
/// <param name="DemoSubscriber">A demo subscriber signed up at seed time (demo mode only): other modules may give them demo data (a line, through a real order).</param>
public sealed record CustomerRegistered(string PartyId, string CustomerId, string CustomerNumber, string CreatedBy, bool DemoSubscriber = false);

/// <summary>A party as other modules may know it: enough to check and fill a reference.</summary>
/// <param name="Id">The party id.</param>
/// <param name="ReferredType"><c>Individual</c> or <c>Organization</c>.</param>
/// <param name="Name">Its formatted name (individuals) or trading name (organizations).</param>
/// <param name="CreatedBy">The subject that created it: a partner may refer only to parties it created.</param>
public sealed record PartyReference(string Id, string ReferredType, string Name, string? CreatedBy);

/// <summary>Looks parties up for other modules (the accounts module checks related parties with it).</summary>
public interface IPartyDirectory
{
    /// <summary>The party with this id, or null.</summary>
    Task<PartyReference?> FindAsync(string partyId, CancellationToken cancellationToken);
}

/// <summary>
/// Published when a person's data was erased (pseudonymised) at their request, so that every other system that holds a
/// copy (the legacy system of record, partners' systems through their adapters) erases it too.
/// </summary>
public sealed record PersonalDataErased(string PartyId, DateTimeOffset ErasedAt);
