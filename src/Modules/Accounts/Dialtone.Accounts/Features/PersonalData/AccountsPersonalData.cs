using System.Globalization;
using System.Text.Json.Nodes;
using Dialtone.Accounts.Contracts;
using Dialtone.Accounts.Domain;
using Dialtone.Accounts.Persistence;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Accounts.Features.PersonalData;

/// <summary>
/// The accounts that name a person: exported. Accounts the person holds (owner, or the only related party) block the
/// erasure while they owe money (a positive balance), then are closed with the person's name replaced and contacts
/// removed; on anyone else's account (an employer's, a family member's) only the person's own entry is removed.
/// </summary>
internal sealed class AccountsPersonalData(IDbContextOutbox<AccountsDbContext> outbox) : IPersonalDataHolder
{
    private static readonly TmfResourceDescriptor[] Accounts = [AccountResources.BillingAccount, AccountResources.PartyAccount, AccountResources.FinancialAccount];

    public string Module => AccountsDbContext.ModuleName;

    public async Task<JsonNode> ExportAsync(DataSubject subject, CancellationToken cancellationToken) =>
        DocumentRewrites.Export(await AccountsOfAsync(subject, cancellationToken));

    public async Task<IReadOnlyList<string>> ErasureBlockersAsync(DataSubject subject, CancellationToken cancellationToken)
    {
        var blockers = new List<string>();
        foreach (var (_, documents) in await AccountsOfAsync(subject, cancellationToken))
        {
            foreach (var account in documents.Select(d => JsonNode.Parse(d.Body)!.AsObject()).Where(a => IsHeldBy(a, subject.PartyId)))
            {
                foreach (var balance in account["accountBalance"]?.AsArray() ?? [])
                {
                    var amount = balance?["amount"];
                    if (amount?["value"]?.GetValue<decimal>() is > 0 and var owed)
                    {
                        blockers.Add($"Account {account["accountNumber"]} owes {owed.ToString(CultureInfo.InvariantCulture)} {amount["unit"]}.");
                    }
                }
            }
        }

        return blockers;
    }

    public async Task EraseAsync(DataSubject subject, TmfWriteContext context, CancellationToken cancellationToken)
    {
        var db = outbox.DbContext;
        var own = context with { Db = db };
        var accounts = await AccountsOfAsync(subject, cancellationToken);
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        foreach (var (resource, documents) in accounts)
        {
            await DocumentRewrites.RewriteAsync(outbox, resource, documents.Select(d => d.Id), account =>
            {
                if (!IsHeldBy(account, subject.PartyId))
                {
                    DocumentRewrites.RemoveParty(account, subject.PartyId);
                    return;
                }

                var parties = account["relatedParty"]?.AsArray() ?? [];
                foreach (var party in parties.Where(p => p?["id"]?.GetValue<string>() == subject.PartyId))
                {
                    party!["name"] = "Erased person";
                }

                account.Remove("contact");
                account["state"] = BillingAccountStates.Closed;
            }, own, cancellationToken);
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken); // commits the transaction with the events
    }

    /// <summary>The person holds the account: they are its owner, or the only party on it.</summary>
    private static bool IsHeldBy(JsonObject account, string partyId)
    {
        var parties = (account["relatedParty"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return parties.Any(p => p["id"]?.GetValue<string>() == partyId && (p["role"]?.GetValue<string>() == AccountPartyRoles.Owner || parties.Count == 1));
    }

    private Task<List<(TmfResourceDescriptor Resource, List<TmfDocument> Documents)>> AccountsOfAsync(DataSubject subject, CancellationToken cancellationToken) =>
        DocumentRewrites.NamingPartyAsync(outbox.DbContext, Accounts, subject.PartyId, cancellationToken);
}
