using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Catalog.Features.ProductSpecifications;

/// <summary>Product specifications: bundled specifications must exist; a specification an offering uses cannot be deleted.</summary>
internal sealed class ProductSpecificationRules : CatalogRules<ProductSpecification>
{
    public override TmfResourceDescriptor Resource => CatalogResources.ProductSpecification;

    public override void ApplyDefaults(ProductSpecification created, TmfWriteContext context)
    {
        base.ApplyDefaults(created, context);
        created.IsBundle ??= created.BundledProductSpecification is { Count: > 0 };
    }

    protected override async Task ValidateResourceAsync(ProductSpecification? before, ProductSpecification after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        foreach (var (bundled, index) in (after.BundledProductSpecification ?? []).Select((b, i) => (b, i)))
        {
            var target = await ResolveAsync<ProductSpecification>(Resource, $"bundledProductSpecification[{index}]", bundled.Id, context, cancellationToken);
            bundled.Href = Resource.Href(string.Empty, target.Id!);
            bundled.Name ??= target.Name;
        }

        AllowanceCharacteristics.Validate(after.ProductSpecCharacteristic);
    }

    public override async Task EnsureDeletableAsync(ProductSpecification current, TmfWriteContext context, CancellationToken cancellationToken)
    {
        await EnsureNotReferencedAsync(CatalogResources.ProductOffering, "productSpecification.id", current.Id!, "ProductSpecification", context, cancellationToken);
        await EnsureNotReferencedAsync(CatalogResources.ProductSpecification, "bundledProductSpecification.id", current.Id!, "ProductSpecification", context, cancellationToken);
    }
}
