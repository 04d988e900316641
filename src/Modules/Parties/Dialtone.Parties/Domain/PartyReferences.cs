using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Parties.Domain;

/// <summary>Checks a reference to a party: it exists, it is an individual or an organization, and the caller may see it.</summary>
internal static class PartyReferences
{
    /// <summary>Resolves a party reference and returns its canonical (relative) href and referred type; 400 when it names nothing the caller may use.</summary>
    public static async Task<(string Href, string ReferredType)> ResolveAsync(string attribute, string? id, string? referredType, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", $"'{attribute}.id' is mandatory.");
        }

        var kinds = referredType switch
        {
            null or "" => new[] { PartyResources.Individual, PartyResources.Organization },
            "Individual" => [PartyResources.Individual],
            "Organization" => [PartyResources.Organization],
            _ => throw TmfProblemException.BadRequest("INVALID_REFERENCE", $"'{attribute}.@referredType' must be Individual or Organization."),
        };

        foreach (var kind in kinds)
        {
            // A party created earlier in the same unit of work (the sign-up's individual) is not in the database yet.
            var document = context.Db.Documents.Local.FirstOrDefault(d => d.Id == id && d.ResourceType == kind.Resource)
                           ?? await context.Db.Documents.OfResource(kind).FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
            if (document is not null && MayUse(document, context))
            {
                return (kind.BasePath + "/" + id, kind.TypeName);
            }
        }

        // The same answer whether the party does not exist or belongs to someone else: ids cannot be probed.
        throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"'{attribute}' names party '{id}', which does not exist.");
    }

    private static bool MayUse(TmfDocument party, TmfWriteContext context) =>
        CustomerDataAccess.MayUseAsStaffOrCreator(party.CreatedBy, context.Caller)
        || (context.Caller.IsSelfService && party.Id == context.Caller.PartyId);
}
