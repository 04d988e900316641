namespace Dialtone.Parties.Contracts;

/// <summary>
/// The parties module's batch import (issue 6, the legacy import): each call is one transaction that creates, for every
/// record, a TMF632 individual with its contact media and a TMF629 customer. Idempotent by the source's id: a record
/// whose party already exists is left as it is and reported with <c>Created = false</c>. No event per record.
/// </summary>
public interface ICustomerBatchImport
{
    /// <summary>Imports one batch (500–1,000 records) in one transaction; answers the ids of every record, in order.</summary>
    Task<IReadOnlyList<ImportedCustomer>> ImportAsync(string source, IReadOnlyList<CustomerImportRecord> batch, CancellationToken cancellationToken);
}

/// <summary>
/// One person to import, already validated and normalised by the importer: <c>Email</c> trimmed and lower-cased,
/// <c>Phone</c> in E.164. <c>SourceIds</c>: every id the source system knew this person by (merged duplicates), kept as
/// external references. <c>CustomerStatus</c>: TMF629's (<c>Approved</c>, <c>Suspended</c>…); <c>PartyStatus</c> TMF632's.
/// </summary>
public sealed record CustomerImportRecord(
    string SourceId,
    IReadOnlyList<string> SourceIds,
    string GivenName,
    string FamilyName,
    DateOnly? BirthDate,
    string? Email,
    string? Phone,
    PostalAddressImport? Address,
    string PartyStatus,
    string CustomerStatus);

/// <summary>A postal address: street, postcode and city when known; otherwise the source's free text.</summary>
public sealed record PostalAddressImport(string? Street, string? PostCode, string? City, string Country, string? FreeText);

/// <summary>The ids of an imported (or already present) person.</summary>
public sealed record ImportedCustomer(string SourceId, string PartyId, string CustomerId, string CustomerNumber, bool Created);
