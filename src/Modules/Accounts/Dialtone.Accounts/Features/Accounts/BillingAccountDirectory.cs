using Dialtone.Accounts.Contracts;
using Dialtone.Accounts.Domain;
using Dialtone.Accounts.Domain.Representation;
using Dialtone.Accounts.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Accounts.Features.Accounts;

/// <summary>The accounts module's answer to other modules asking about billing accounts.</summary>
internal sealed class BillingAccountDirectory(AccountsDbContext db) : IBillingAccounts
{
    public async Task<BillingAccountReference?> FindAsync(string billingAccountId, CancellationToken cancellationToken)
    {
        var document = await db.Documents.OfResource(AccountResources.BillingAccount)
            .FirstOrDefaultAsync(d => d.Id == billingAccountId, cancellationToken);
        return document is null ? null : ToReference(document);
    }

    public async Task<IReadOnlyList<BillingAccountReference>> NamingPartyAsync(string partyId, CancellationToken cancellationToken)
    {
        var resource = AccountResources.BillingAccount.Resource;
        var ids = db.SearchEntries.Where(e => e.ResourceType == resource && e.Path == "relatedParty.id" && e.Text == partyId).Select(e => e.DocumentId);
        var documents = await db.Documents.OfResource(AccountResources.BillingAccount)
            .Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
        return [.. documents.Select(ToReference)];
    }

    private static BillingAccountReference ToReference(TmfDocument document)
    {
        var account = TmfRepresentation.FromStored<BillingAccount>(document);
        var parties = (account.RelatedParty ?? []).Where(p => p.Id is not null).Select(p => new AccountParty(p.Id!, p.Role)).ToList();
        return new BillingAccountReference(document.Id, account.State, document.CreatedBy, parties);
    }
}
