namespace Dialtone.Accounts.Contracts;

/// <summary>
/// The accounts module's batch import (issue 6, the legacy import): one transaction per call, one TMF666 billing
/// account per record, owned by a party the parties module has already imported. Idempotent by the source's account
/// id: an account already present is left as it is. No event per record.
/// </summary>
public interface IBillingAccountBatchImport
{
    /// <summary>Imports one batch in one transaction; answers the billing account id of every record, in order, and whether it was created now.</summary>
    Task<IReadOnlyList<ImportedBillingAccount>> ImportAsync(string source, IReadOnlyList<BillingAccountImportRecord> batch, CancellationToken cancellationToken);
}

/// <summary>
/// One account to import. <c>State</c>: <see cref="BillingAccountStates"/> (or <c>suspended</c> for an account in
/// dunning); <c>PaymentMethod</c>: <c>directDebit</c>, <c>invoice</c> or <c>card</c>; <c>BillCycleDay</c>: 1–28.
/// <c>OwnerName</c> is personal data (the account's related party name, as the sign-up's accounts carry it).
/// </summary>
public sealed record BillingAccountImportRecord(string SourceAccountId, string OwnerPartyId, string OwnerName, string CustomerNumber, string State, string? PaymentMethod, int? BillCycleDay);

/// <summary>The id of an imported (or already present) billing account.</summary>
public sealed record ImportedBillingAccount(string SourceAccountId, string BillingAccountId, bool Created);
