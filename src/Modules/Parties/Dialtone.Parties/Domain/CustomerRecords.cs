using System.Text.Json.Nodes;
using Dialtone.Parties.Contracts;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Features.Import;
using Dialtone.Parties.Features.SelfService;
using Dialtone.Parties.Persistence;
using Dialtone.Parties.Features.Individuals;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Parties.Domain;

/// <summary>The parties module's answer to the legacy adapter asking for a person's current contact data and status, and its door for the values legacy masters.</summary>
internal sealed class CustomerRecords(PartiesDbContext db, IServiceScopeFactory scopes, IndividualRules individuals, TimeProvider clock) : ICustomerRecords
{
    /// <summary>Who writes the values the source system masters: a system caller, as the import.</summary>
    public static readonly Caller SourceSyncCaller = new("dialtone-legacy-sync", new HashSet<string>(StringComparer.Ordinal) { DialtoneRoles.Admin });

    public async Task<CustomerRecord?> FindByPartyAsync(string partyId, CancellationToken cancellationToken)
    {
        var document = await db.Documents.OfResource(PartyResources.Individual).AsNoTracking().FirstOrDefaultAsync(d => d.Id == partyId, cancellationToken);
        if (document is null)
        {
            return null;
        }

        var customerIds = await DocumentRewrites.IdsWithAsync(db, PartyResources.Customer, "engagedParty.id", partyId, cancellationToken);
        var customer = customerIds.Count == 0
            ? null
            : await db.Documents.OfResource(PartyResources.Customer).AsNoTracking().Where(d => customerIds.Contains(d.Id)).OrderBy(d => d.Id).FirstOrDefaultAsync(cancellationToken);
        return RecordOf(TmfRepresentation.FromStored<Individual>(document),
            customer is null ? null : TmfRepresentation.FromStored<Representation.Customers.Customer>(customer));
    }

    public async Task<CustomerRecord?> FindByCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var document = await db.Documents.OfResource(PartyResources.Customer).AsNoTracking().FirstOrDefaultAsync(d => d.Id == customerId, cancellationToken);
        if (document is null)
        {
            return null;
        }

        var customer = TmfRepresentation.FromStored<Representation.Customers.Customer>(document);
        var partyId = customer.EngagedParty?.Id;
        var party = partyId is null ? null : await db.Documents.OfResource(PartyResources.Individual).AsNoTracking().FirstOrDefaultAsync(d => d.Id == partyId, cancellationToken);
        return party is null ? null : RecordOf(TmfRepresentation.FromStored<Individual>(party), customer);
    }

    public async Task<CustomerRecord?> FindBySourceIdAsync(string sourceId, CancellationToken cancellationToken)
    {
        var ids = await DocumentRewrites.IdsWithAsync(db, PartyResources.Individual, "externalReference.name", sourceId, cancellationToken);
        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            if (await FindByPartyAsync(id, cancellationToken) is { } record && record.SourceIds.Contains(sourceId))
            {
                return record;
            }
        }

        return null;
    }

    public async Task<bool> UpdateFromSourceAsync(string partyId, SourceMasteredValues values, CancellationToken cancellationToken)
    {
        // Its own scope: a DbContext and outbox of this write only, committed here (as a PATCH attempt does).
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<PartiesDbContext>>();
        var own = outbox.DbContext;
        await using var transaction = await own.BeginSerializedWriteAsync(cancellationToken);
        var document = await own.Documents.Include(d => d.SearchEntries)
            .FirstOrDefaultAsync(d => d.Id == partyId && d.ResourceType == PartyResources.Individual.Resource, cancellationToken);
        if (document is null)
        {
            return false;
        }

        var beforeJson = JsonNode.Parse(document.Body)!.AsObject();
        if (beforeJson["status"]?.GetValue<string>() == PartiesPersonalData.ErasedStatus)
        {
            return false;
        }

        var merged = beforeJson.DeepClone().AsObject();
        if (values.GivenName is { } given)
        {
            merged["givenName"] = given;
        }

        if (values.FamilyName is { } family)
        {
            merged["familyName"] = family;
        }

        if (values.BirthDate is { } birth)
        {
            merged["birthDate"] = UtcDateTimeOffsetConverter.Format(new DateTimeOffset(birth.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        }
        else if (values.ClearBirthDate)
        {
            merged.Remove("birthDate");
        }

        var context = new TmfWriteContext(own, SourceSyncCaller, "", clock.GetUtcNow());
        var before = TmfRepresentation.FromJson<Individual>(beforeJson);
        var after = TmfRepresentation.FromJson<Individual>(merged);
        await individuals.ValidateAsync(before, after, context, cancellationToken);
        var json = TmfRepresentation.ToJsonObject(after);
        json.Remove("href");
        if (await TmfResourceEndpoints.UpdateDocumentAsync(outbox, PartyResources.Individual, document, beforeJson, json, context, audited: true) is null)
        {
            return false;
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
        return true;
    }

    private static CustomerRecord RecordOf(Individual person, Representation.Customers.Customer? customer)
    {
        var media = person.ContactMedium ?? [];
        var email = media.FirstOrDefault(m => !string.IsNullOrWhiteSpace(m.Characteristic?.EmailAddress))?.Characteristic!.EmailAddress;
        var phone = media.FirstOrDefault(m => !string.IsNullOrWhiteSpace(m.Characteristic?.PhoneNumber))?.Characteristic!.PhoneNumber;
        var postal = media.FirstOrDefault(m => string.Equals(m.MediumType, "postalAddress", StringComparison.OrdinalIgnoreCase) && m.Characteristic is not null)?.Characteristic;
        var address = postal is null ? null : new ContactAddress(postal.Street1, postal.PostCode, postal.City, postal.Country);
        var sourceIds = (person.ExternalReference ?? [])
            .Where(r => r.ExternalReferenceType == CustomerBatchImport.SourceReferenceType && !string.IsNullOrEmpty(r.Name))
            .Select(r => r.Name!)
            .ToList();
        var erased = string.Equals(person.Status, PartiesPersonalData.ErasedStatus, StringComparison.Ordinal);
        return new CustomerRecord(person.Id!, customer?.Id, customer?.Status, erased, sourceIds, email, phone, address)
        {
            GivenName = person.GivenName,
            FamilyName = person.FamilyName,
            BirthDate = person.BirthDate is { } birth ? DateOnly.FromDateTime(birth.UtcDateTime) : null,
        };
    }
}
