using Dialtone.Catalog.Domain;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using CatalogRepresentation = Dialtone.Catalog.Domain.Representation.Catalog;
using CategoryRepresentation = Dialtone.Catalog.Domain.Representation.Category;

namespace Dialtone.Catalog.Features.Catalogs;

/// <summary>Catalogs: the categories they list must exist.</summary>
internal sealed class CatalogEntityRules : CatalogRules<CatalogRepresentation>
{
    public override TmfResourceDescriptor Resource => CatalogResources.Catalog;

    protected override async Task ValidateResourceAsync(CatalogRepresentation? before, CatalogRepresentation after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        foreach (var (category, index) in (after.Category ?? []).Select((c, i) => (c, i)))
        {
            var target = await ResolveAsync<CategoryRepresentation>(CatalogResources.Category, $"category[{index}]", category.Id, context, cancellationToken);
            category.Href = CatalogResources.Category.Href(string.Empty, target.Id!);
            category.Name ??= target.Name;
        }

        foreach (var (party, index) in (after.RelatedParty ?? []).Select((p, i) => (p, i)))
        {
            if (string.IsNullOrWhiteSpace(party.Id))
            {
                throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", $"'relatedParty[{index}].id' is mandatory.");
            }
        }
    }
}
