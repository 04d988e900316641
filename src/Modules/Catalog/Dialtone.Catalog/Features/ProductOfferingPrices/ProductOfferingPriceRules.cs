using Dialtone.Catalog.Contracts;
using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Catalog.Features.ProductOfferingPrices;

/// <summary>
/// Prices: one-time, recurring, usage (per unit, tiered) and discounts, in an ISO 4217 currency. A launched price is
/// frozen: changing what customers pay takes a new price (and a new offering version).
/// </summary>
internal sealed class ProductOfferingPriceRules : CatalogRules<ProductOfferingPrice>
{
    public static readonly IReadOnlyList<string> PriceTypes = ["oneTime", "recurring", "usage", "discount"];

    public static readonly IReadOnlyList<string> ChargePeriods = ["day", "week", "month", "year"];

    /// <summary>A price's relationship to a discount that reduces it.</summary>
    public const string DiscountedBy = "discountedBy";

    private static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "ISK", "CAD", "AUD", "NZD", "JPY", "CNY",
        "INR", "BRL", "MXN", "ZAR", "TRY", "AED", "SAR", "SGD", "HKD", "KRW", "NGN", "KES", "EGP", "MAD", "ILS", "UAH",
    };

    private static readonly HashSet<string> FrozenWhenLaunched = new(StringComparer.Ordinal)
    {
        "price", "priceType", "percentage", "recurringChargePeriodType", "recurringChargePeriodLength", "unitOfMeasure", "tax",
        "bundledPopRelationship", "popRelationship", "prodSpecCharValueUse", "validFor",
    };

    public override TmfResourceDescriptor Resource => CatalogResources.ProductOfferingPrice;

    public override void ApplyDefaults(ProductOfferingPrice created, TmfWriteContext context)
    {
        base.ApplyDefaults(created, context);
        created.IsBundle ??= created.BundledPopRelationship is { Count: > 0 };
        if (created.PriceType == "recurring")
        {
            created.RecurringChargePeriodType ??= "month";
            created.RecurringChargePeriodLength ??= 1;
        }
    }

    protected override async Task ValidateResourceAsync(ProductOfferingPrice? before, ProductOfferingPrice after, TmfWriteContext context, CancellationToken cancellationToken)
    {
        if (after.PriceType is null || !PriceTypes.Contains(after.PriceType))
        {
            throw TmfProblemException.BadRequest("INVALID_PRICE_TYPE", $"'priceType' must be one of: {string.Join(", ", PriceTypes)}.");
        }

        if (after.Price is { } money)
        {
            if (money.Unit is null || !Currencies.Contains(money.Unit))
            {
                throw TmfProblemException.BadRequest("INVALID_CURRENCY", $"'price.unit' must be an ISO 4217 currency code such as EUR, not '{money.Unit}'.");
            }

            if (money.Value is null || money.Value < 0)
            {
                throw TmfProblemException.BadRequest("INVALID_AMOUNT", "'price.value' must be given and not negative (discounts are their own price type).");
            }
        }
        else if (after.PriceType != "discount" && after.IsBundle != true)
        {
            throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "'price' is mandatory for one-time, recurring and usage prices.");
        }

        switch (after.PriceType)
        {
            case "recurring" when after.RecurringChargePeriodType is null || !ChargePeriods.Contains(after.RecurringChargePeriodType):
                throw TmfProblemException.BadRequest("INVALID_CHARGE_PERIOD", $"A recurring price needs 'recurringChargePeriodType' of {string.Join(", ", ChargePeriods)}.");
            case "recurring" when after.RecurringChargePeriodLength is not > 0:
                throw TmfProblemException.BadRequest("INVALID_CHARGE_PERIOD", "'recurringChargePeriodLength' must be 1 or more.");
            case "usage" when after.IsBundle != true && (after.UnitOfMeasure is not { Amount: > 0, Units: not null }):
                throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "A usage price needs 'unitOfMeasure' with a positive amount and units (e.g. 1 MB, 60 s, 1 SMS).");
            case "usage" when PriceCharacteristics.RatingGroups(after) is not { } ratingGroups || (after.IsBundle != true && ratingGroups.Count == 0):
                throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE",
                    $"A usage price names the rating groups it applies to (positive integers) in prodSpecCharValueUse '{CatalogCharacteristics.RatingGroup}'.");
            case "discount" when after.Percentage is null && after.Price is null:
                throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE", "A discount needs 'percentage' or 'price'.");
            case "discount" when after.Percentage is < 0 or > 100:
                throw TmfProblemException.BadRequest("INVALID_AMOUNT", "'percentage' must be from 0 to 100.");
        }

        var tiers = new List<ProductOfferingPrice>();
        foreach (var (tier, index) in (after.BundledPopRelationship ?? []).Select((t, i) => (t, i)))
        {
            var target = await ResolveAsync<ProductOfferingPrice>(Resource, $"bundledPopRelationship[{index}]", tier.Id, context, cancellationToken);
            tier.Href = Resource.Href(string.Empty, target.Id!);
            tier.Name ??= target.Name;
            tiers.Add(target);
        }

        if (after is { PriceType: "usage", IsBundle: true })
        {
            UsageTiers.EnsureContiguous(tiers);
        }

        foreach (var (related, index) in (after.PopRelationship ?? []).Select((r, i) => (r, i)))
        {
            var target = await ResolveAsync<ProductOfferingPrice>(Resource, $"popRelationship[{index}]", related.Id, context, cancellationToken);
            related.Href = Resource.Href(string.Empty, target.Id!);
            related.Name ??= target.Name;
            if (related.RelationshipType == DiscountedBy && target.PriceType != "discount")
            {
                throw TmfProblemException.BadRequest("INVALID_RELATIONSHIP",
                    $"'popRelationship[{index}]' is '{DiscountedBy}' but '{target.Name}' is a {target.PriceType} price, not a discount.");
            }
        }

        if (before is not null && LifecycleStatus.IsCommercial(before.LifecycleStatus) && TmfRepresentation.ChangedAttributes(before, after).Any(FrozenWhenLaunched.Contains))
        {
            throw TmfProblemException.BadRequest("LAUNCHED_PRICE_FROZEN",
                "A launched price cannot change what customers pay; create a new price and a new version of the offering.");
        }
    }

    public override async Task EnsureDeletableAsync(ProductOfferingPrice current, TmfWriteContext context, CancellationToken cancellationToken)
    {
        await EnsureNotReferencedAsync(CatalogResources.ProductOffering, "productOfferingPrice.id", current.Id!, "ProductOfferingPrice", context, cancellationToken);
        await EnsureNotReferencedAsync(Resource, "bundledPopRelationship.id", current.Id!, "ProductOfferingPrice", context, cancellationToken);
        await EnsureNotReferencedAsync(Resource, "popRelationship.id", current.Id!, "ProductOfferingPrice", context, cancellationToken);
    }
}
