namespace Dialtone.Parties.Contracts;

/// <summary>
/// A person's current contact data and status, for the legacy adapter (issue 6): it propagates the current state of
/// a record to the system of record at delivery time, and checks that a customer reads only their own legacy data.
/// Holds personal data: callers use it in memory and never store or log it.
/// </summary>
public interface ICustomerRecords
{
    /// <summary>The person with this party id, or null when there is none.</summary>
    Task<CustomerRecord?> FindByPartyAsync(string partyId, CancellationToken cancellationToken);

    /// <summary>The person engaged as this TMF629 customer, or null when there is no such customer.</summary>
    Task<CustomerRecord?> FindByCustomerAsync(string customerId, CancellationToken cancellationToken);
}

/// <summary>
/// A person as the legacy adapter sees them now. <c>SourceIds</c>: the ids the source system (legacy) knew them by
/// (external references of type <c>legacyCustomerId</c>); empty for a person who was never imported, and after an
/// erasure. <c>CustomerStatus</c>: TMF629's status of their customer record (<c>Approved</c>, <c>Suspended</c>…).
/// </summary>
public sealed record CustomerRecord(
    string PartyId,
    string? CustomerId,
    string? CustomerStatus,
    bool Erased,
    IReadOnlyList<string> SourceIds,
    string? Email,
    string? Phone,
    ContactAddress? Address);

/// <summary>A postal address as held: street (or the source's free text), postcode, city, country.</summary>
public sealed record ContactAddress(string? Street, string? PostCode, string? City, string? Country);
