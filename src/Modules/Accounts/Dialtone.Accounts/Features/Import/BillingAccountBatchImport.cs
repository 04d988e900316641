using System.Globalization;
using System.Text.Json.Nodes;
using Dialtone.Accounts.Contracts;
using Dialtone.Accounts.Domain;
using Dialtone.Accounts.Domain.Representation;
using Dialtone.Accounts.Persistence;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Accounts.Features.Import;

/// <summary>
/// Imports a batch of billing accounts in one serialised transaction (see <see cref="IBillingAccountBatchImport"/>),
/// built as <c>BillingAccountRules</c> would build them: the owner was imported by the parties module just before (so
/// it is not asked for per record), numbers are taken in sequence once per batch, the documents written in multi-row
/// inserts (<see cref="TmfDocumentBulk"/>).
/// </summary>
internal sealed class BillingAccountBatchImport(IServiceScopeFactory scopes, TimeProvider clock) : IBillingAccountBatchImport
{
    private const string NumberPrefix = "A-";

    public async Task<IReadOnlyList<ImportedBillingAccount>> ImportAsync(string source, IReadOnlyList<BillingAccountImportRecord> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var resource = AccountResources.BillingAccount;
        var ids = batch.Select(r => TmfDocumentImport.IdFor(source, "billingAccount", r.SourceAccountId)).ToList();
        var existing = await TmfDocumentImport.ExistingAsync(db, resource, ids, cancellationToken);
        var context = new TmfWriteContext(db, Dialtone.Platform.Auth.Caller.Anonymous, "", now);
        var highest = await context.NextNumberAsync(resource, "accountNumber", NumberPrefix, 2_000_000, cancellationToken);
        var next = long.Parse(highest.AsSpan(NumberPrefix.Length), CultureInfo.InvariantCulture);

        var result = new List<ImportedBillingAccount>(batch.Count);
        var created = new List<TmfDocument>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            if (existing.Contains(ids[i]))
            {
                result.Add(new ImportedBillingAccount(record.SourceAccountId, ids[i], Created: false));
                continue;
            }

            var number = NumberPrefix + next++.ToString(CultureInfo.InvariantCulture);
            var body = new JsonObject
            {
                ["accountNumber"] = number,
                ["name"] = "Main account",
                ["accountType"] = "consumer",
                ["description"] = $"Billing account of customer {record.CustomerNumber}, migrated from legacy account {record.SourceAccountId}",
                ["state"] = record.State,
                ["paymentStatus"] = record.State == "suspended" ? "inArrears" : "paidUp",
                ["relatedParty"] = new JsonArray(new JsonObject
                {
                    ["id"] = record.OwnerPartyId,
                    ["href"] = $"/tmf-api/party/v4/individual/{record.OwnerPartyId}",
                    ["name"] = record.OwnerName,
                    ["role"] = AccountPartyRoles.Owner,
                    ["@referredType"] = "Individual",
                }),
            };
            if (record.PaymentMethod is { } method)
            {
                body["defaultPaymentMethod"] = new JsonObject { ["id"] = $"legacy-{method}", ["name"] = method };
            }

            created.Add(TmfDocumentImport.CreateFromJson<BillingAccount>(db, resource, body, ids[i], now, ImportOwner.Key));
            result.Add(new ImportedBillingAccount(record.SourceAccountId, ids[i], Created: true));
        }

        await TmfDocumentBulk.InsertAsync(db, created, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

/// <summary>The owner key of imported records: the import service, a staff subject.</summary>
internal static class ImportOwner
{
    public const string Key = "user:dialtone-legacy-import";
}
