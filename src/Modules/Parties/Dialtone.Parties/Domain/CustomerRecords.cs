using Dialtone.Parties.Contracts;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Features.Import;
using Dialtone.Parties.Features.SelfService;
using Dialtone.Parties.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Parties.Domain;

/// <summary>The parties module's answer to the legacy adapter asking for a person's current contact data and status.</summary>
internal sealed class CustomerRecords(PartiesDbContext db) : ICustomerRecords
{
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
        return new CustomerRecord(person.Id!, customer?.Id, customer?.Status, erased, sourceIds, email, phone, address);
    }
}
