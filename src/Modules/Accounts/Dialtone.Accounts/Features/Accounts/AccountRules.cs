using Dialtone.Accounts.Domain;
using Dialtone.Accounts.Domain.Representation;
using Dialtone.Parties.Contracts;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Accounts.Features.Accounts;

/// <summary>
/// The rules TMF666's billing, party and financial accounts share: a number assigned on create, related parties that
/// exist in the parties module (a partner may name only parties it created), and object-level authorization by related
/// party: a customer sees the accounts that name their party (as owner, payer...) and may change only the name,
/// description, contacts and bill structure; the state, credit limit and parties are care's.
/// </summary>
internal abstract class AccountRules<T>(IServiceScopeFactory scopes) : CustomerDataRules<T>
    where T : class, INumberedAccount
{
    public const string Active = "active";

    private static readonly IReadOnlySet<string> Writable = new HashSet<string>(StringComparer.Ordinal) { "name", "description", "contact", "billStructure" };
    private static readonly IReadOnlySet<string> Assigned = new HashSet<string>(StringComparer.Ordinal) { "accountNumber" };

    protected abstract string NumberPrefix { get; }

    protected abstract long FirstNumber { get; }

    protected override IReadOnlySet<string> SelfServiceWritable => Writable;

    protected override IReadOnlySet<string> ServerAssigned => Assigned;

    protected override IQueryable<TmfDocument> OwnedBy(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string partyId) =>
        WithValue(documents, entries, "relatedParty.id", partyId);

    protected override bool IsOwnedBy(T representation, string partyId) => Names(representation.RelatedParty?.Select(p => p.Id), partyId);

    protected override void ApplyResourceDefaults(T created, TmfWriteContext context) => created.State ??= Active;

    protected override async Task ValidateResourceAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(after.Name))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'name' is mandatory and cannot be empty.");
        }

        await ResolvePartiesAsync(before, after, context, cancellationToken);
        if (after.FinancialAccount is { } financial && financial.Id != before?.FinancialAccount?.Id)
        {
            var id = financial.Id ?? "";
            var target = await context.Db.Documents.OfResource(AccountResources.FinancialAccount).FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
            if (target is null || !CustomerDataAccess.MayUseAsStaffOrCreator(target.CreatedBy, context.Caller))
            {
                throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'financialAccount' names financial account '{financial.Id}', which does not exist.");
            }

            financial.Href = AccountResources.FinancialAccount.BasePath + "/" + financial.Id;
        }

        if (before is null)
        {
            after.AccountNumber = await context.NextNumberAsync(Resource, "accountNumber", NumberPrefix, FirstNumber, cancellationToken);
        }
    }

    private async Task ResolvePartiesAsync(T? before, T after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (Resource != AccountResources.FinancialAccount && (after.RelatedParty is null || after.RelatedParty.Count == 0))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'relatedParty' must name at least the account's owner.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<IPartyDirectory>();
        for (var i = 0; i < (after.RelatedParty?.Count ?? 0); i++)
        {
            var related = after.RelatedParty![i];
            if (before?.RelatedParty?.Any(p => p.Id == related.Id) == true)
            {
                continue;
            }

            var party = string.IsNullOrWhiteSpace(related.Id) ? null : await directory.FindAsync(related.Id, cancellationToken);
            var usable = party is not null && CustomerDataAccess.MayUseAsStaffOrCreator(party.CreatedBy, context.Caller);
            if (!usable)
            {
                // The same answer whether the party does not exist or is not the caller's: ids cannot be probed.
                throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'relatedParty[{i}]' names party '{related.Id}', which does not exist.");
            }

            related.ReferredType = party!.ReferredType;
            related.Href = $"/tmf-api/party/v4/{char.ToLowerInvariant(party.ReferredType[0])}{party.ReferredType[1..]}/{party.Id}";
        }
    }
}

internal sealed class BillingAccountRules(IServiceScopeFactory scopes) : AccountRules<BillingAccount>(scopes)
{
    public override TmfResourceDescriptor Resource => AccountResources.BillingAccount;

    protected override string NumberPrefix => "A-";

    protected override long FirstNumber => 2_000_000;
}

internal sealed class PartyAccountRules(IServiceScopeFactory scopes) : AccountRules<PartyAccount>(scopes)
{
    public override TmfResourceDescriptor Resource => AccountResources.PartyAccount;

    protected override string NumberPrefix => "P-";

    protected override long FirstNumber => 3_000_000;
}

internal sealed class FinancialAccountRules(IServiceScopeFactory scopes) : AccountRules<FinancialAccount>(scopes)
{
    public override TmfResourceDescriptor Resource => AccountResources.FinancialAccount;

    protected override string NumberPrefix => "F-";

    protected override long FirstNumber => 4_000_000;
}
