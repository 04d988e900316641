using System.Text.Json;
using Dialtone.Catalog.Contracts;
using Dialtone.Catalog.Domain;
using Dialtone.Catalog.Domain.Representation;
using Dialtone.Platform.Json;

namespace Dialtone.Catalog.Seeding;

/// <summary>
/// Dialtone Mobile, a digital-only brand selling in EUR: four 5G plans, prepaid, a family bundle, a business plan with a
/// tiered data price, data and roaming add-ons, and fibre.
/// </summary>
/// <remarks>
/// A specification lists every allowance a product of its kind can have (characteristics of <c>valueType</c>
/// <c>allowance</c>); an offering says which one it gives with <c>prodSpecCharValueUse</c>, naming the characteristic
/// and carrying exactly one of the values the specification lists. Volumes count octets (1 GB = 10^9), voice seconds,
/// SMS events. Rating groups, as the 5G core reports usage: 10 home data, 11 roaming data, 20 voice, 30 SMS. Zones:
/// <c>home</c> the home network only, <c>EU</c> home and EU/EEA (roam like at home), <c>World</c> outside the EU.
/// Usage-price tiers (<c>tierFrom</c>/<c>tierTo</c>) count the price's own unit of measure (MB).
/// </remarks>
internal sealed class DemoCatalogData(DemoCatalogWriter writer, DateTimeOffset now)
{
    private const string Brand = "Dialtone Mobile";
    private const string Currency = "EUR";
    private const string Launched = LifecycleStatus.Launched;

    private const int DataGroup = 10;
    private const int RoamingDataGroup = 11;
    private const int VoiceGroup = 20;
    private const int SmsGroup = 30;

    private const long Gigabyte = 1_000_000_000;
    private const string Octet = "octet";
    private const string Second = "second";
    private const string Event = "event";
    private const string Home = "home";
    private const string Eu = "EU";
    private const string World = "World";
    private const string EveryBillingCycle = "billingCycle";
    private const string OneOff = "none";

    /// <summary>A plan's own allowances go first (they reset anyway), then a family's shared pool, then bought add-ons.</summary>
    private const int PlanPriority = 10;
    private const int SharedPoolPriority = 20;
    private const int AddOnPriority = 30;

    private const string PaymentMode = "paymentMode";
    private const string DataAllowance = "dataAllowance";
    private const string VoiceAllowance = "voiceAllowance";
    private const string SmsAllowance = "smsAllowance";
    private const string EuRoamingDataAllowance = "euRoamingDataAllowance";
    private const string RoamingDataAllowance = "roamingDataAllowance";
    private const string RoamingVoiceAllowance = "roamingVoiceAllowance";
    private const string SharedDataPool = "sharedDataPool";

    private const string Start = "5G Start 10 GB";
    private const string Plus = "5G Plus 40 GB";
    private const string Max = "5G Max 120 GB";
    private const string Unlimited = "5G Unlimited";

    /// <summary>The postpaid 5G plans; null means unlimited. EU data is the roam-like-at-home fair-use volume.</summary>
    private static readonly MobilePlan[] Plans =
    [
        new(Start, "10 GB of 5G data, 300 minutes and 100 SMS a month, 10 GB of it usable in the EU.", 14.99m,
            DataGb: 10, Rollover: false, VoiceMinutes: 300, Sms: 100, EuDataGb: 10, WelcomeOffer: false),
        new(Plus, "40 GB of 5G data with rollover, unlimited calls and SMS, 25 GB in the EU. Half price for the first 3 months.", 24.99m,
            DataGb: 40, Rollover: true, VoiceMinutes: null, Sms: null, EuDataGb: 25, WelcomeOffer: true),
        new(Max, "120 GB of 5G data with rollover, unlimited calls and SMS, 35 GB in the EU.", 34.99m,
            DataGb: 120, Rollover: true, VoiceMinutes: null, Sms: null, EuDataGb: 35, WelcomeOffer: false),
        new(Unlimited, "Unlimited 5G data, calls and SMS at home, 45 GB in the EU.", 44.99m,
            DataGb: null, Rollover: false, VoiceMinutes: null, Sms: null, EuDataGb: 45, WelcomeOffer: false),
    ];

    private static readonly AllowanceDefinition UnlimitedVoice = Allowance(Second, null, [VoiceGroup], Eu);
    private static readonly AllowanceDefinition UnlimitedSms = Allowance(Event, null, [SmsGroup], Eu);
    private static readonly AllowanceDefinition FamilyPool = Allowance(Octet, 100 * Gigabyte, [DataGroup], Home, sharedPool: true, priority: SharedPoolPriority);
    private static readonly DataBoost[] DataBoosts = [new(Gigabytes: 5, Price: 4.99m), new(Gigabytes: 20, Price: 12.99m)];
    private static readonly AllowanceDefinition WorldData = Allowance(Octet, 2 * Gigabyte, [RoamingDataGroup], World, OneOff, priority: AddOnPriority);
    private static readonly AllowanceDefinition WorldVoice = Allowance(Second, 60 * 60, [VoiceGroup], World, OneOff, priority: AddOnPriority);

    public static Task WriteAsync(DemoCatalogWriter writer, DateTimeOffset now, CancellationToken ct) =>
        new DemoCatalogData(writer, now).WriteAsync(ct);

    private async Task WriteAsync(CancellationToken ct)
    {
        var esim = await writer.SpecificationAsync(Specification("eSIM Profile", "DT-ESIM",
            "A GSMA SGP.22 eSIM profile, downloaded from Dialtone's SM-DP+ by scanning an activation code.",
            Characteristic("iccid", "The profile's ICCID, assigned when the profile is prepared.", "string", Array.Empty<string>()),
            Characteristic("eid", "The eUICC identifier of the device the profile is installed on.", "string", Array.Empty<string>()),
            Characteristic("activationCode", "LPA:1$<SM-DP+ address>$<matching id>, shown as a QR code.", "string", Array.Empty<string>())), ct);

        var lineSpecification = Specification("5G Mobile Line", "DT-5G-LINE",
            "A 5G standalone mobile line: an MSISDN and an IMSI on the network, with its allowances.",
            Characteristic("msisdn", "The line's number in E.164, chosen or ported in when ordering.", "string", Array.Empty<string>(), configurable: true),
            Characteristic(PaymentMode, "Whether usage is paid from prepaid credit or billed monthly.", "string", ["postpaid", "prepaid"]),
            Characteristic(DataAllowance, "5G data at home, per billing cycle.", AllowanceDefinition.ValueType, Plans.Select(PlanData)),
            Characteristic(VoiceAllowance, "Calls at home and in the EU, per billing cycle.", AllowanceDefinition.ValueType, Plans.Select(PlanVoice).Append(UnlimitedVoice)),
            Characteristic(SmsAllowance, "SMS at home and in the EU, per billing cycle.", AllowanceDefinition.ValueType, Plans.Select(PlanSms).Append(UnlimitedSms)),
            Characteristic(EuRoamingDataAllowance, "Data while roaming in the EU/EEA (roam like at home, fair use).", AllowanceDefinition.ValueType, Plans.Select(PlanEuData)));
        lineSpecification.ProductSpecificationRelationship = [new ProductSpecificationRelationship { Id = esim.Id, Name = esim.Name, RelationshipType = "dependsOn" }];
        var line = await writer.SpecificationAsync(lineSpecification, ct);

        var dataAddOn = await writer.SpecificationAsync(Specification("Mobile Data Add-on", "DT-DATA-ADDON",
            "Extra data on top of a plan, at home and in the EU, used before the plan's own data and kept until used up.",
            Characteristic(DataAllowance, "The extra data.", AllowanceDefinition.ValueType, DataBoosts.Select(BoostData))), ct);

        var roamingPass = await writer.SpecificationAsync(Specification("Roaming Pass", "DT-ROAM-PASS",
            "Data and calls while roaming outside the EU.",
            Characteristic(RoamingDataAllowance, "Data outside the EU.", AllowanceDefinition.ValueType, [WorldData]),
            Characteristic(RoamingVoiceAllowance, "Calls outside the EU.", AllowanceDefinition.ValueType, [WorldVoice])), ct);

        var fibre = await writer.SpecificationAsync(Specification("Fibre Broadband", "DT-FIBRE",
            "Fibre to the home (FTTH) with a Wi-Fi 7 router, unlimited data.",
            Characteristic("downloadSpeed", "Download speed.", "number", [1000], unitOfMeasure: "Mbit/s"),
            Characteristic("uploadSpeed", "Upload speed.", "number", [500], unitOfMeasure: "Mbit/s")), ct);

        var familySpecification = Specification("Family Mobile Bundle", "DT-FAMILY",
            "Several 5G lines of one account sharing a data pool on top of each line's own allowances.",
            Characteristic(SharedDataPool, "Data shared by every line of the bundle.", AllowanceDefinition.ValueType, [FamilyPool]));
        familySpecification.BundledProductSpecification =
        [
            new BundledProductSpecification { Id = line.Id, Name = line.Name },
            new BundledProductSpecification { Id = esim.Id, Name = esim.Name },
        ];
        var family = await writer.SpecificationAsync(familySpecification, ct);

        var activation = await writer.PriceAsync(OneTime("Activation fee", 9.99m, "Charged once when a postpaid line is connected."), ct);
        var esimProfile = await writer.PriceAsync(OneTime("eSIM profile", 0m, "The eSIM and its QR code are free."), ct);
        var calls = await writer.PriceAsync(Usage("Calls, per minute", 0.09m, 60, "s", [VoiceGroup], "Pay as you go, and beyond a plan's minutes; charged per started minute."), ct);
        var texts = await writer.PriceAsync(Usage("SMS", 0.09m, 1, "SMS", [SmsGroup], "Pay as you go, and beyond a plan's SMS."), ct);
        var dataBeyondPlan = await writer.PriceAsync(Usage("Data beyond the plan, per MB", 0.01m, 1, "MB", [DataGroup, RoamingDataGroup],
            "10 EUR per GB at home and in the EU, once every allowance that covers the data is used up."), ct);
        var welcome = await writer.PriceAsync(new ProductOfferingPrice
        {
            Name = "Welcome offer: 50% off for 3 months",
            Description = "Half the monthly fee for the first three months.",
            PriceType = "discount",
            Percentage = 50,
            ProductOfferingTerm = [new ProductOfferingTerm { Name = "Welcome period", Duration = new Duration { Amount = 3, Units = "month" } }],
            LifecycleStatus = Launched,
            ValidFor = Since(),
        }, ct);

        var mobile = await writer.CategoryAsync(Category("Mobile plans", "5G plans: postpaid, prepaid and family."), ct);
        var addOns = await writer.CategoryAsync(Category("Add-ons", "Extra data and roaming passes for a mobile plan."), ct);
        var fibreCategory = await writer.CategoryAsync(Category("Fibre", "Fibre broadband at home."), ct);
        var business = await writer.CategoryAsync(Category("Business", "Plans for companies and the self-employed."), ct);

        var plans = new Dictionary<string, DemoRef>(StringComparer.Ordinal);
        foreach (var plan in Plans)
        {
            var monthly = Recurring($"{plan.Name} monthly fee", plan.MonthlyFee, $"The monthly fee of {plan.Name}, charged in advance.");
            List<DemoRef> prices = [activation, esimProfile];
            if (plan.WelcomeOffer)
            {
                monthly.PopRelationship = [new ProductOfferingPriceRelationship { Id = welcome.Id, Name = welcome.Name, RelationshipType = "discountedBy" }];
                prices.Add(welcome);
            }

            prices.Insert(0, await writer.PriceAsync(monthly, ct));
            if (plan.VoiceMinutes is not null)
            {
                prices.Add(calls);
            }

            if (plan.Sms is not null)
            {
                prices.Add(texts);
            }

            if (plan.DataGb is not null)
            {
                prices.Add(dataBeyondPlan);
            }

            plans[plan.Name] = await writer.OfferingAsync(Offering(plan.Name, plan.Description, line, mobile, prices,
            [
                ValueUse(line, PaymentMode, "string", "postpaid"),
                ValueUse(line, DataAllowance, AllowanceDefinition.ValueType, PlanData(plan)),
                ValueUse(line, VoiceAllowance, AllowanceDefinition.ValueType, PlanVoice(plan)),
                ValueUse(line, SmsAllowance, AllowanceDefinition.ValueType, PlanSms(plan)),
                ValueUse(line, EuRoamingDataAllowance, AllowanceDefinition.ValueType, PlanEuData(plan)),
            ]), ct);
        }

        var prepaidData = await writer.PriceAsync(Usage("Prepaid data, per MB", 0.005m, 1, "MB", [DataGroup, RoamingDataGroup],
            "5 EUR per GB from prepaid credit, at home and in the EU."), ct);
        var prepaid = await writer.OfferingAsync(Offering("Dialtone Prepaid", "No monthly fee: pay from your credit for what you use. 5G included.",
            line, mobile, [esimProfile, prepaidData, calls, texts], [ValueUse(line, PaymentMode, "string", "prepaid")]), ct);

        var tiers = new List<DemoRef>
        {
            await writer.PriceAsync(Tier("Business data, first 10 GB", 0.004m, fromMb: 0, toMb: 10_000), ct),
            await writer.PriceAsync(Tier("Business data, 10 to 50 GB", 0.002m, fromMb: 10_000, toMb: 50_000), ct),
            await writer.PriceAsync(Tier("Business data, beyond 50 GB", 0.001m, fromMb: 50_000, toMb: null), ct),
        };
        var tieredData = await writer.PriceAsync(new ProductOfferingPrice
        {
            Name = "Business data, tiered per MB",
            Description = "Data at home and in the EU, per MB in the billing cycle: 4 EUR/GB for the first 10 GB, 2 EUR/GB up to 50 GB, then 1 EUR/GB.",
            PriceType = "usage",
            IsBundle = true,
            BundledPopRelationship = [.. tiers.Select(t => new BundledProductOfferingPriceRelationship { Id = t.Id, Name = t.Name })],
            UnitOfMeasure = new Quantity { Amount = 1, Units = "MB" },
            ProdSpecCharValueUse = [IntegerUse(CatalogCharacteristics.RatingGroup, DataGroup, RoamingDataGroup)],
            LifecycleStatus = Launched,
            ValidFor = Since(),
        }, ct);
        var businessMonthly = await writer.PriceAsync(Recurring("Business 5G Flex monthly fee", 9.90m, "The monthly line fee, charged in advance."), ct);
        var businessPlan = await writer.OfferingAsync(Offering("Business 5G Flex",
            "Unlimited calls and SMS; data billed by use, cheaper per GB the more the line uses in the month.", line, business,
            [businessMonthly, activation, esimProfile, tieredData],
            [
                ValueUse(line, PaymentMode, "string", "postpaid"),
                ValueUse(line, VoiceAllowance, AllowanceDefinition.ValueType, UnlimitedVoice),
                ValueUse(line, SmsAllowance, AllowanceDefinition.ValueType, UnlimitedSms),
            ]), ct);

        var familyPool = await writer.PriceAsync(Recurring("Dialtone Family shared pool monthly fee", 14.99m,
            "The 100 GB shared pool; each line pays its own plan's fee."), ct);
        var familyBundle = Offering("Dialtone Family", "One 5G Plus line and one to four 5G Start lines, sharing 100 GB more each month.",
            family, mobile, [familyPool], [ValueUse(family, SharedDataPool, AllowanceDefinition.ValueType, FamilyPool)]);
        familyBundle.IsBundle = true;
        familyBundle.BundledProductOffering =
        [
            Bundled(plans[Plus], lower: 1, upper: 1, byDefault: 1),
            Bundled(plans[Start], lower: 1, upper: 4, byDefault: 1),
        ];
        await writer.OfferingAsync(familyBundle, ct);

        var fibreMonthly = await writer.PriceAsync(Recurring("Fibre 1 Gbit/s monthly fee", 39.99m, "The monthly fee, charged in advance."), ct);
        var installation = await writer.PriceAsync(OneTime("Fibre installation", 49m, "Connection by a technician, Wi-Fi 7 router included."), ct);
        await writer.OfferingAsync(Offering("Fibre 1 Gbit/s", "1 Gbit/s down, 500 Mbit/s up, unlimited data, Wi-Fi 7 router included.", fibre, fibreCategory,
            [fibreMonthly, installation],
            [ValueUse(fibre, "downloadSpeed", "number", 1000), ValueUse(fibre, "uploadSpeed", "number", 500)]), ct);

        DemoRef[] cappedPlans = [plans[Start], plans[Plus], plans[Max], prepaid];
        foreach (var boost in DataBoosts)
        {
            var name = $"Data Boost +{boost.Gigabytes} GB";
            var price = await writer.PriceAsync(OneTime(name, boost.Price, "Charged once when added."), ct);
            await writer.OfferingAsync(AddOn(name, $"{boost.Gigabytes} GB more data at home and in the EU, kept until used up.", dataAddOn, addOns, price,
                [ValueUse(dataAddOn, DataAllowance, AllowanceDefinition.ValueType, BoostData(boost))], cappedPlans), ct);
        }

        var worldPrice = await writer.PriceAsync(OneTime("World Pass", 14.99m, "Charged once when added."), ct);
        await writer.OfferingAsync(AddOn("World Pass", "2 GB of data and 60 minutes of calls while travelling outside the EU.", roamingPass, addOns, worldPrice,
            [
                ValueUse(roamingPass, RoamingDataAllowance, AllowanceDefinition.ValueType, WorldData),
                ValueUse(roamingPass, RoamingVoiceAllowance, AllowanceDefinition.ValueType, WorldVoice),
            ],
            [.. plans.Values, prepaid, businessPlan]), ct);

        await writer.CatalogAsync(new Domain.Representation.Catalog
        {
            Name = "Dialtone Consumer Catalog",
            Description = "Everything Dialtone Mobile sells online.",
            CatalogType = "productCatalog",
            Category = [.. new[] { mobile, addOns, fibreCategory, business }.Select(c => new CategoryRef { Id = c.Id, Name = c.Name })],
            LifecycleStatus = Launched,
            ValidFor = Since(),
        }, ct);
    }

    private static AllowanceDefinition Allowance(string unit, long? amount, int[] ratingGroups, string zone,
        string resetPeriod = EveryBillingCycle, bool rollover = false, bool sharedPool = false, int priority = PlanPriority) =>
        new(unit, amount, amount is null, ratingGroups, resetPeriod, rollover, sharedPool, priority, zone);

    private static AllowanceDefinition PlanData(MobilePlan plan) => Allowance(Octet, plan.DataGb * Gigabyte, [DataGroup], Home, rollover: plan.Rollover);

    private static AllowanceDefinition PlanVoice(MobilePlan plan) => Allowance(Second, plan.VoiceMinutes * 60L, [VoiceGroup], Eu);

    private static AllowanceDefinition PlanSms(MobilePlan plan) => Allowance(Event, plan.Sms, [SmsGroup], Eu);

    private static AllowanceDefinition PlanEuData(MobilePlan plan) => Allowance(Octet, plan.EuDataGb * Gigabyte, [RoamingDataGroup], Eu);

    private static AllowanceDefinition BoostData(DataBoost boost) =>
        Allowance(Octet, boost.Gigabytes * Gigabyte, [DataGroup, RoamingDataGroup], Eu, OneOff, priority: AddOnPriority);

    private ProductSpecification Specification(string name, string productNumber, string description, params ProductSpecificationCharacteristic[] characteristics) => new()
    {
        Name = name,
        Brand = Brand,
        ProductNumber = productNumber,
        Description = description,
        ProductSpecCharacteristic = [.. characteristics],
        LifecycleStatus = Launched,
        ValidFor = Since(),
    };

    /// <summary>A characteristic and the values it may take (any value when none are listed); allowances are deduplicated.</summary>
    private static ProductSpecificationCharacteristic Characteristic<T>(string name, string description, string valueType, IEnumerable<T> values,
        bool configurable = false, string? unitOfMeasure = null) => new()
    {
        Name = name,
        Description = description,
        ValueType = valueType,
        Configurable = configurable,
        MinCardinality = configurable ? 1 : 0,
        MaxCardinality = 1,
        ProductSpecCharacteristicValue = values.Any()
            ? [.. values.Select(Element).DistinctBy(v => v.GetRawText())
                .Select(v => new CharacteristicValueSpecification { ValueType = valueType, Value = v, UnitOfMeasure = unitOfMeasure })]
            : null,
    };

    private static ProductSpecificationCharacteristicValueUse ValueUse<T>(DemoRef specification, string characteristic, string valueType, T value) => new()
    {
        Name = characteristic,
        ValueType = valueType,
        ProductSpecification = new ProductSpecificationRef { Id = specification.Id, Name = specification.Name },
        ProductSpecCharacteristicValue = [new CharacteristicValueSpecification { ValueType = valueType, Value = Element(value) }],
    };

    private static ProductSpecificationCharacteristicValueUse IntegerUse(string name, params long[] values) => new()
    {
        Name = name,
        ValueType = "integer",
        ProductSpecCharacteristicValue = [.. values.Select(v => new CharacteristicValueSpecification { Value = Element(v) })],
    };

    private static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value, TmfJson.Options);

    private TimePeriod Since() => new() { StartDateTime = now };

    private ProductOfferingPrice Price(string name, string priceType, decimal amount, string description) => new()
    {
        Name = name,
        Description = description,
        PriceType = priceType,
        Price = new Money { Unit = Currency, Value = amount },
        LifecycleStatus = Launched,
        ValidFor = Since(),
    };

    private ProductOfferingPrice OneTime(string name, decimal amount, string description) => Price(name, "oneTime", amount, description);

    private ProductOfferingPrice Recurring(string name, decimal amount, string description)
    {
        var price = Price(name, "recurring", amount, description);
        price.RecurringChargePeriodType = "month";
        price.RecurringChargePeriodLength = 1;
        return price;
    }

    private ProductOfferingPrice Usage(string name, decimal amount, decimal per, string units, long[] ratingGroups, string description)
    {
        var price = Price(name, "usage", amount, description);
        price.UnitOfMeasure = new Quantity { Amount = per, Units = units };
        price.ProdSpecCharValueUse = [IntegerUse(CatalogCharacteristics.RatingGroup, ratingGroups)];
        return price;
    }

    private ProductOfferingPrice Tier(string name, decimal perMb, long fromMb, long? toMb)
    {
        var price = Usage(name, perMb, 1, "MB", [DataGroup, RoamingDataGroup], $"A tier of Business data: MB {fromMb} to {(toMb is null ? "the end of the cycle" : toMb)}.");
        price.ProdSpecCharValueUse!.Add(IntegerUse(CatalogCharacteristics.TierFrom, fromMb));
        if (toMb is { } to)
        {
            price.ProdSpecCharValueUse.Add(IntegerUse(CatalogCharacteristics.TierTo, to));
        }

        return price;
    }

    private Category Category(string name, string description) => new()
    {
        Name = name,
        Description = description,
        LifecycleStatus = Launched,
        ValidFor = Since(),
    };

    private ProductOffering Offering(string name, string description, DemoRef specification, DemoRef category, IEnumerable<DemoRef> prices,
        IEnumerable<ProductSpecificationCharacteristicValueUse> valueUses) => new()
    {
        Name = name,
        Description = description,
        IsSellable = true,
        ProductSpecification = new ProductSpecificationRef { Id = specification.Id },
        Category = [new CategoryRef { Id = category.Id }],
        ProductOfferingPrice = [.. prices.Select(p => new ProductOfferingPriceRefOrValue { Id = p.Id })],
        ProdSpecCharValueUse = [.. valueUses],
        LifecycleStatus = Launched,
        ValidFor = Since(),
    };

    /// <summary>An add-on: bought only on top of one of the base plans it requires.</summary>
    private ProductOffering AddOn(string name, string description, DemoRef specification, DemoRef category, DemoRef price,
        IEnumerable<ProductSpecificationCharacteristicValueUse> valueUses, IEnumerable<DemoRef> basePlans)
    {
        var offering = Offering(name, description, specification, category, [price], valueUses);
        offering.IsSellable = false;
        offering.ProductOfferingRelationship = [.. basePlans.Select(p => new ProductOfferingRelationship { Id = p.Id, RelationshipType = "requires" })];
        return offering;
    }

    private static BundledProductOffering Bundled(DemoRef offering, int lower, int upper, int byDefault) => new()
    {
        Id = offering.Id,
        BundledProductOfferingOption = new BundledProductOfferingOption
        {
            NumberRelOfferLowerLimit = lower,
            NumberRelOfferUpperLimit = upper,
            NumberRelOfferDefault = byDefault,
        },
    };

    private sealed record MobilePlan(string Name, string Description, decimal MonthlyFee,
        int? DataGb, bool Rollover, int? VoiceMinutes, int? Sms, int EuDataGb, bool WelcomeOffer);

    private sealed record DataBoost(int Gigabytes, decimal Price);
}
