using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Catalog.Features.ProductOfferings;

/// <summary>
/// Offerings: everything they name must exist; bundles name their parts; an add-on names the base plans it
/// <c>requires</c>; a launched offering takes only non-commercial changes; anonymous callers see only what can be ordered now.
/// </summary>
internal sealed class ProductOfferingRules : CatalogRules<ProductOffering>
{
    /// <summary>An add-on's relationship to each base plan it can be added to.</summary>
    public const string Requires = "requires";

    /// <summary>A new version's relationship to the version it replaces.</summary>
    public const string Replaces = "replaces";

    public static readonly IReadOnlyList<string> RelationshipTypes = [Requires, Replaces, "excludes", "upgradeTo", "downgradeTo"];

    /// <summary>What may change on a launched offering: nothing a customer pays or gets.</summary>
    private static readonly HashSet<string> NonCommercial = new(StringComparer.Ordinal)
    {
        "description", "attachment", "lifecycleStatus", "statusReason", "lastUpdate", "channel", "marketSegment", "category",
    };

    public override TmfResourceDescriptor Resource => CatalogResources.ProductOffering;

    public override void ApplyDefaults(ProductOffering created, TmfWriteContext context)
    {
        base.ApplyDefaults(created, context);
        created.IsBundle ??= created.BundledProductOffering is { Count: > 0 };
        created.IsSellable ??= true;
    }

    protected override async Task ValidateResourceAsync(ProductOffering? before, ProductOffering after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (after.ProductSpecification is { } specification)
        {
            var target = await ResolveAsync<ProductSpecification>(CatalogResources.ProductSpecification, "productSpecification", specification.Id, context, cancellationToken);
            specification.Href = CatalogResources.ProductSpecification.Href(string.Empty, target.Id!);
            specification.Name ??= target.Name;
            specification.Version ??= target.Version;
        }

        var specifications = new Dictionary<string, ProductSpecification>(StringComparer.Ordinal);
        foreach (var (use, index) in (after.ProdSpecCharValueUse ?? []).Select((u, i) => (u, i)))
        {
            var specificationId = use.ProductSpecification?.Id ?? after.ProductSpecification?.Id;
            if (specificationId is null)
            {
                throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE",
                    $"'prodSpecCharValueUse[{index}]' picks a characteristic value, so it (or the offering) must name a productSpecification.");
            }

            if (!specifications.TryGetValue(specificationId, out var owner))
            {
                owner = await ResolveAsync<ProductSpecification>(CatalogResources.ProductSpecification, $"prodSpecCharValueUse[{index}].productSpecification", specificationId, context, cancellationToken);
                specifications[specificationId] = owner;
            }

            if (use.ProductSpecification is { } reference)
            {
                reference.Href = CatalogResources.ProductSpecification.Href(string.Empty, owner.Id!);
                reference.Name ??= owner.Name;
            }

            CharacteristicValueUses.EnsureOffered(use, index, owner);
        }

        foreach (var (price, index) in (after.ProductOfferingPrice ?? []).Select((p, i) => (p, i)))
        {
            if (price.Id is null)
            {
                throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", $"'productOfferingPrice[{index}].id' is mandatory: create the price first, then refer to it.");
            }

            var target = await ResolveAsync<ProductOfferingPrice>(CatalogResources.ProductOfferingPrice, $"productOfferingPrice[{index}]", price.Id, context, cancellationToken);
            price.Href = CatalogResources.ProductOfferingPrice.Href(string.Empty, target.Id!);
            price.Name ??= target.Name;
            price.PriceType ??= target.PriceType;
        }

        foreach (var (category, index) in (after.Category ?? []).Select((c, i) => (c, i)))
        {
            var target = await ResolveAsync<Category>(CatalogResources.Category, $"category[{index}]", category.Id, context, cancellationToken);
            category.Href = CatalogResources.Category.Href(string.Empty, target.Id!);
            category.Name ??= target.Name;
        }

        var bundled = after.BundledProductOffering ?? [];
        if (after.IsBundle == true && bundled.Count == 0)
        {
            throw TmfProblemException.BadRequest("INVALID_BUNDLE", "A bundle (isBundle: true) lists its offerings in 'bundledProductOffering'.");
        }

        if (after.IsBundle != true && bundled.Count > 0)
        {
            throw TmfProblemException.BadRequest("INVALID_BUNDLE", "'bundledProductOffering' is only allowed on a bundle (isBundle: true).");
        }

        foreach (var (part, index) in bundled.Select((b, i) => (b, i)))
        {
            if (part.Id == after.Id)
            {
                throw TmfProblemException.BadRequest("INVALID_BUNDLE", "A bundle cannot contain itself.");
            }

            var target = await ResolveAsync<ProductOffering>(Resource, $"bundledProductOffering[{index}]", part.Id, context, cancellationToken);
            part.Href = Resource.Href(string.Empty, target.Id!);
            part.Name ??= target.Name;
            if (BecomesOrderable(before, after) && !LifecycleStatus.IsOrderable(target.LifecycleStatus))
            {
                throw TmfProblemException.BadRequest("BUNDLE_PART_NOT_ORDERABLE",
                    $"A bundle can be {after.LifecycleStatus} only when its parts are Active or Launched; '{target.Name}' is {target.LifecycleStatus}.");
            }
        }

        foreach (var (relationship, index) in (after.ProductOfferingRelationship ?? []).Select((r, i) => (r, i)))
        {
            if (relationship.RelationshipType is null || !RelationshipTypes.Contains(relationship.RelationshipType))
            {
                throw TmfProblemException.BadRequest("INVALID_RELATIONSHIP",
                    $"'productOfferingRelationship[{index}].relationshipType' must be one of: {string.Join(", ", RelationshipTypes)}.");
            }

            if (relationship.Id == after.Id)
            {
                throw TmfProblemException.BadRequest("INVALID_RELATIONSHIP", "An offering cannot be related to itself.");
            }

            var target = await ResolveAsync<ProductOffering>(Resource, $"productOfferingRelationship[{index}]", relationship.Id, context, cancellationToken);
            relationship.Href = Resource.Href(string.Empty, target.Id!);
            relationship.Name ??= target.Name;
            if (relationship.RelationshipType == Requires && BecomesOrderable(before, after) && !LifecycleStatus.IsOrderable(target.LifecycleStatus))
            {
                throw TmfProblemException.BadRequest("BASE_PLAN_NOT_ORDERABLE",
                    $"An add-on can be {after.LifecycleStatus} only when the base plans it requires are Active or Launched; '{target.Name}' is {target.LifecycleStatus}.");
            }

            if (relationship.RelationshipType == Requires && target.IsSellable != true)
            {
                throw TmfProblemException.BadRequest("INVALID_RELATIONSHIP",
                    $"An add-on can only require a base plan that is sold on its own; '{target.Name}' is not sellable alone.");
            }
        }

        if (before is not null && LifecycleStatus.IsCommercial(before.LifecycleStatus))
        {
            var commercial = TmfRepresentation.ChangedAttributes(before, after).FirstOrDefault(a => !NonCommercial.Contains(a));
            if (commercial is not null)
            {
                throw TmfProblemException.BadRequest("LAUNCHED_OFFERING_FROZEN",
                    $"An offering that has been Active or Launched accepts only non-commercial changes ('{commercial}' is commercial); create a new version with POST {Resource.BasePath}/{after.Id}/newVersion.");
            }
        }
    }

    public override async Task EnsureDeletableAsync(ProductOffering current, TmfWriteContext context, CancellationToken cancellationToken)
    {
        await EnsureNotReferencedAsync(Resource, "bundledProductOffering.id", current.Id!, "ProductOffering", context, cancellationToken);
        await EnsureNotReferencedAsync(Resource, "productOfferingRelationship.id", current.Id!, "ProductOffering", context, cancellationToken);
        await EnsureNotReferencedAsync(CatalogResources.Category, "productOffering.id", current.Id!, "ProductOffering", context, cancellationToken);
    }

    public override IQueryable<TmfDocument> VisibleTo(IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, Caller caller, DateTimeOffset now)
    {
        if (IsProductManager(caller))
        {
            return documents;
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var orderable = entries.Where(e => e.Path == "lifecycleStatus" && (e.Text == LifecycleStatus.Active || e.Text == LifecycleStatus.Launched)).Select(e => e.DocumentId);
        var notYet = entries.Where(e => e.Path == "validFor.startDateTime" && e.Time > nowMs).Select(e => e.DocumentId);
        var ended = entries.Where(e => e.Path == "validFor.endDateTime" && e.Time <= nowMs).Select(e => e.DocumentId);
        return documents.Where(d => orderable.Contains(d.Id) && !notYet.Contains(d.Id) && !ended.Contains(d.Id));
    }

    public override bool IsVisibleTo(ProductOffering representation, TmfDocument stored, Caller caller, DateTimeOffset now) =>
        IsProductManager(caller) || IsOrderableAt(representation, now);

    /// <summary>Created orderable, or moved into Active or Launched: the moment its parts and base plans must be orderable too.</summary>
    private static bool BecomesOrderable(ProductOffering? before, ProductOffering after) =>
        LifecycleStatus.IsOrderable(after.LifecycleStatus) && (before is null || !LifecycleStatus.IsOrderable(before.LifecycleStatus));

    /// <summary>The rule ordering uses: Active or Launched, and within validFor.</summary>
    public static bool IsOrderableAt(ProductOffering offering, DateTimeOffset now) =>
        LifecycleStatus.IsOrderable(offering.LifecycleStatus) &&
        (offering.ValidFor?.StartDateTime is not { } start || start <= now) &&
        (offering.ValidFor?.EndDateTime is not { } end || end > now);
}
