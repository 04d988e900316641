using Dialtone.Parties.Contracts;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Parties.Domain;

/// <summary>The parties module's answer to other modules asking about a party.</summary>
internal sealed class PartyDirectory(PartiesDbContext db) : IPartyDirectory
{
    public async Task<PartyReference?> FindAsync(string partyId, CancellationToken cancellationToken)
    {
        var document = await db.Documents.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == partyId && (d.ResourceType == PartyResources.Individual.Resource || d.ResourceType == PartyResources.Organization.Resource), cancellationToken);
        if (document is null)
        {
            return null;
        }

        if (document.ResourceType == PartyResources.Individual.Resource)
        {
            var person = TmfRepresentation.FromStored<Individual>(document);
            return new PartyReference(document.Id, "Individual", person.FormattedName ?? $"{person.GivenName} {person.FamilyName}", document.CreatedBy);
        }

        var organization = TmfRepresentation.FromStored<Organization>(document);
        return new PartyReference(document.Id, "Organization", organization.TradingName ?? organization.Name ?? "", document.CreatedBy);
    }
}
