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

    /// <summary>The person who was imported with this source (legacy) id, merged duplicates included, or null.</summary>
    Task<CustomerRecord?> FindBySourceIdAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the fields the source system masters (ADR 0018: names and birth date) on the person's TMF632 individual as a
    /// system write (the same checks, new version, audit line and change event as a PATCH); a null leaves a field as it
    /// is. Answers false when nothing changed or the person does not exist or is erased.
    /// </summary>
    Task<bool> UpdateFromSourceAsync(string partyId, SourceMasteredValues values, CancellationToken cancellationToken);
}

/// <summary>Values of the fields the source system masters; null: leave as it is. <c>ClearBirthDate</c> removes the birth date.</summary>
public sealed record SourceMasteredValues(string? GivenName, string? FamilyName, DateOnly? BirthDate, bool ClearBirthDate = false);

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
    ContactAddress? Address)
{
    /// <summary>The individual's given name (mastered by the source system after migration, ADR 0018).</summary>
    public string? GivenName { get; init; }

    /// <summary>The individual's family name (mastered by the source system after migration).</summary>
    public string? FamilyName { get; init; }

    /// <summary>The individual's birth date (mastered by the source system after migration).</summary>
    public DateOnly? BirthDate { get; init; }
}

/// <summary>A postal address as held: street (or the source's free text), postcode, city, country.</summary>
public sealed record ContactAddress(string? Street, string? PostCode, string? City, string? Country);
