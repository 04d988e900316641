using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Catalog.Features.Categories;

/// <summary>Categories: a parent and sub-categories must exist; a category still used cannot be deleted.</summary>
internal sealed class CategoryRules : CatalogRules<Category>
{
    /// <summary>A category lists offerings in every status; only product managers see that list (others filter offerings by category).</summary>
    private static readonly IReadOnlySet<string> OfferingList = new HashSet<string>(StringComparer.Ordinal) { "productOffering" };

    public override TmfResourceDescriptor Resource => CatalogResources.Category;

    public override IReadOnlySet<string> HiddenAttributes(Platform.Auth.Caller caller) => IsProductManager(caller) ? NothingHidden : OfferingList;

    public override void ApplyDefaults(Category created, TmfWriteContext context)
    {
        base.ApplyDefaults(created, context);
        created.IsRoot ??= created.ParentId is null;
    }

    protected override async Task ValidateResourceAsync(Category? before, Category after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (after.ParentId is not null)
        {
            if (after.ParentId == after.Id)
            {
                throw TmfProblemException.BadRequest("INVALID_PARENT", "A category cannot be its own parent.");
            }

            await ResolveAsync<Category>(Resource, "parentId", after.ParentId, context, cancellationToken);
        }

        foreach (var (sub, index) in (after.SubCategory ?? []).Select((s, i) => (s, i)))
        {
            var target = await ResolveAsync<Category>(Resource, $"subCategory[{index}]", sub.Id, context, cancellationToken);
            sub.Href = Resource.Href(string.Empty, target.Id!);
            sub.Name ??= target.Name;
        }

        foreach (var (offering, index) in (after.ProductOffering ?? []).Select((o, i) => (o, i)))
        {
            var target = await ResolveAsync<ProductOffering>(CatalogResources.ProductOffering, $"productOffering[{index}]", offering.Id, context, cancellationToken);
            offering.Href = CatalogResources.ProductOffering.Href(string.Empty, target.Id!);
            offering.Name ??= target.Name;
        }
    }

    public override async Task EnsureDeletableAsync(Category current, TmfWriteContext context, CancellationToken cancellationToken)
    {
        await EnsureNotReferencedAsync(CatalogResources.ProductOffering, "category.id", current.Id!, "Category", context, cancellationToken);
        await EnsureNotReferencedAsync(CatalogResources.Catalog, "category.id", current.Id!, "Category", context, cancellationToken);
        await EnsureNotReferencedAsync(Resource, "subCategory.id", current.Id!, "Category", context, cancellationToken);
        await EnsureNotReferencedAsync(Resource, "parentId", current.Id!, "Category", context, cancellationToken);
    }
}
