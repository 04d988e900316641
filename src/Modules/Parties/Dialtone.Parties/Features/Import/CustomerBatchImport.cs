using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Parties.Contracts;
using Dialtone.Parties.Domain;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Features.Customers;
using Dialtone.Parties.Features.Individuals;
using Dialtone.Parties.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Parties.Features.Import;

/// <summary>
/// Imports a batch of people in one serialised transaction (see <see cref="ICustomerBatchImport"/>): each individual
/// through <see cref="IndividualRules"/> (names, contact data normalised and checked as any write), each customer built
/// here as <see cref="CustomerRules"/> would (its party is in the same batch; numbers are taken in sequence once per
/// batch rather than by a query per record). Ids derive from the source's id, so a batch loaded again creates nothing.
/// The documents are written in multi-row inserts (<see cref="TmfDocumentBulk"/>), not tracked one by one.
/// </summary>
internal sealed class CustomerBatchImport(IServiceScopeFactory scopes, IndividualRules individuals, TimeProvider clock) : ICustomerBatchImport
{
    public const string SourceReferenceType = "legacyCustomerId";

    /// <summary>Who imported records are created by: staff-owned, like the sign-up's.</summary>
    public static readonly Caller ImportCaller = new("dialtone-legacy-import", new HashSet<string>(StringComparer.Ordinal) { DialtoneRoles.Admin });

    public async Task<IReadOnlyList<ImportedCustomer>> ImportAsync(string source, IReadOnlyList<CustomerImportRecord> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartiesDbContext>();
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var context = new TmfWriteContext(db, ImportCaller, "", now);

        var partyIds = batch.Select(r => TmfDocumentImport.IdFor(source, "party", r.SourceId)).ToList();
        var customerIds = batch.Select(r => TmfDocumentImport.IdFor(source, "customer", r.SourceId)).ToList();
        var existing = await TmfDocumentImport.ExistingAsync(db, PartyResources.Customer, customerIds, cancellationToken);
        var numbers = await db.SearchEntries
            .Where(e => e.ResourceType == PartyResources.Customer.Resource && e.Path == "customerNumber" && existing.Contains(e.DocumentId))
            .ToDictionaryAsync(e => e.DocumentId, e => e.Text!, cancellationToken);
        var next = NumberOf(await context.NextNumberAsync(PartyResources.Customer, "customerNumber", CustomerRules.NumberPrefix, 1_000_000, cancellationToken));
        var existingParties = await TmfDocumentImport.ExistingAsync(db, PartyResources.Individual, partyIds, cancellationToken);

        var result = new List<ImportedCustomer>(batch.Count);
        var created = new List<TmfDocument>(batch.Count * 2);
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            if (existing.Contains(customerIds[i]))
            {
                result.Add(new ImportedCustomer(record.SourceId, partyIds[i], customerIds[i], numbers.GetValueOrDefault(customerIds[i], ""), Created: false));
                continue;
            }

            if (!existingParties.Contains(partyIds[i]))
            {
                created.Add(await TmfDocumentImport.CreateAsync<Individual, IndividualRules>(db, individuals, IndividualOf(record), context, partyIds[i], cancellationToken));
            }

            var number = CustomerRules.NumberPrefix + next++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            created.Add(TmfDocumentImport.CreateFromJson<Domain.Representation.Customers.Customer>(db, PartyResources.Customer, CustomerOf(record, partyIds[i], number), customerIds[i], now, ImportCaller.OwnerKey));
            result.Add(new ImportedCustomer(record.SourceId, partyIds[i], customerIds[i], number, Created: true));
        }

        await TmfDocumentBulk.InsertAsync(db, created, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static long NumberOf(string number) => long.Parse(number.AsSpan(CustomerRules.NumberPrefix.Length), System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject IndividualOf(CustomerImportRecord record)
    {
        var media = new List<ContactMedium>();
        if (record.Email is not null)
        {
            media.Add(new ContactMedium { MediumType = "email", Preferred = true, Characteristic = new MediumCharacteristic { ContactType = "email", EmailAddress = record.Email } });
        }

        if (record.Phone is not null)
        {
            media.Add(new ContactMedium { MediumType = "mobile", Preferred = record.Email is null, Characteristic = new MediumCharacteristic { ContactType = "mobile", PhoneNumber = record.Phone } });
        }

        if (record.Address is { } address)
        {
            media.Add(new ContactMedium
            {
                MediumType = "postalAddress",
                Preferred = false,
                Characteristic = new MediumCharacteristic
                {
                    ContactType = "home",
                    Street1 = address.Street ?? address.FreeText,
                    PostCode = address.PostCode,
                    City = address.City,
                    Country = address.Country,
                },
            });
        }

        var individual = new Individual
        {
            GivenName = record.GivenName,
            FamilyName = record.FamilyName,
            BirthDate = record.BirthDate is { } birth ? new DateTimeOffset(birth.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            Status = record.PartyStatus,
            ContactMedium = media,
            ExternalReference = [.. record.SourceIds.Select(id => new ExternalReference { ExternalReferenceType = SourceReferenceType, Name = id })],
        };
        return JsonSerializer.SerializeToNode(individual, TmfJson.Options)!.AsObject();
    }

    private static JsonObject CustomerOf(CustomerImportRecord record, string partyId, string number) => new()
    {
        ["name"] = number,
        ["customerNumber"] = number,
        ["status"] = record.CustomerStatus,
        ["engagedParty"] = new JsonObject
        {
            ["id"] = partyId,
            ["href"] = PartyResources.Individual.BasePath + "/" + partyId,
            ["@referredType"] = "Individual",
            ["role"] = "customer",
        },
        ["characteristic"] = new JsonArray(new JsonObject
        {
            ["name"] = SourceReferenceType,
            ["valueType"] = "string",
            ["value"] = string.Join(',', record.SourceIds),
        }),
    };
}
