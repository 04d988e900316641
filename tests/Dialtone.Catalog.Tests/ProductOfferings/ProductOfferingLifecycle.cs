namespace Dialtone.Catalog.Tests.ProductOfferings;

public sealed class ProductOfferingLifecycle(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Offerings = $"{TmfHttp.Catalog}/productOffering";

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task CreateReturns201WithLocationETagAndEveryServerDefault(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var spec = await CatalogFixtures.SpecificationAsync(pm);

        using var response = await pm.PostAsync(Offerings, TmfHttp.Json(new JsonObject
        {
            ["name"] = "5G Plus",
            ["productSpecification"] = new JsonObject { ["id"] = spec.Id() },
        }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(body["href"]!.GetValue<string>(), response.Headers.Location!.ToString());
        Assert.StartsWith("http://localhost/tmf-api/productCatalogManagement/v4/productOffering/", body["href"]!.GetValue<string>());
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal("In study", body["lifecycleStatus"]!.GetValue<string>());
        Assert.Equal("1.0", body["version"]!.GetValue<string>());
        Assert.Equal("ProductOffering", body["@type"]!.GetValue<string>());
        Assert.True(body["isSellable"]!.GetValue<bool>());
        Assert.False(body["isBundle"]!.GetValue<bool>());
        Assert.EndsWith("Z", body["lastUpdate"]!.GetValue<string>());
        Assert.Equal("5G Mobile Line", body["productSpecification"]!["name"]!.GetValue<string>());
        Assert.True(Guid.TryParse(body.Id(), out var id) && id.Version == 7);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task GetPatchDeleteThenGetIs404(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var created = await CatalogFixtures.OfferingAsync(pm, "Patch me", "In study");
        var url = $"{Offerings}/{created.Id()}";
        using var read = await pm.GetAsync(url);
        Assert.Equal("\"1\"", read.Headers.ETag!.Tag);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.NotModified, (await pm.SendAsync(conditional)).StatusCode);

        using var patch = await pm.PatchAsync(url, TmfHttp.Json("""{"description":"A plan for Zoë O'Brien & Co +","lifecycleStatus":"In design"}""", "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var text = await patch.Content.ReadAsStringAsync();
        Assert.Contains("A plan for Zoë O'Brien & Co +", text, StringComparison.Ordinal);
        var patched = JsonNode.Parse(text)!;
        Assert.Equal("In design", patched["lifecycleStatus"]!.GetValue<string>());
        Assert.Equal("Patch me", patched["name"]!.GetValue<string>());
        Assert.Equal("\"2\"", patch.Headers.ETag!.Tag);
        var reread = await pm.GetJsonAsync(url);
        Assert.Equal("In design", reread["lifecycleStatus"]!.GetValue<string>());

        using var plainJsonPatch = await pm.PatchAsync(url, TmfHttp.Json("""{"description":null}"""));
        Assert.Equal(HttpStatusCode.OK, plainJsonPatch.StatusCode);
        Assert.Null((await plainJsonPatch.ReadJsonAsync())["description"]);

        Assert.Equal(HttpStatusCode.NoContent, (await pm.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pm.GetAsync(url)).StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task IllegalLifecycleTransitionsAndUnknownStatusesAreRefused(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var created = await CatalogFixtures.OfferingAsync(pm, "Lifecycle", "In study");
        var url = $"{Offerings}/{created.Id()}";

        using var jump = await pm.PatchAsync(url, TmfHttp.Json("""{"lifecycleStatus":"Launched"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, jump.StatusCode);
        Assert.Equal("ILLEGAL_LIFECYCLE_TRANSITION", (await jump.ReadJsonAsync())["code"]!.GetValue<string>());

        using var unknown = await pm.PatchAsync(url, TmfHttp.Json("""{"lifecycleStatus":"launched"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("INVALID_LIFECYCLE_STATUS", (await unknown.ReadJsonAsync())["code"]!.GetValue<string>());

        foreach (var next in new[] { "In design", "In test", "Active", "Launched", "Retired", "Obsolete" })
        {
            using var step = await pm.PatchAsync(url, TmfHttp.Json(new JsonObject { ["lifecycleStatus"] = next }));
            Assert.Equal(HttpStatusCode.OK, step.StatusCode);
        }
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task ALaunchedOfferingTakesOnlyNonCommercialChangesAndANewVersionKeepsThePredecessor(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var price = await CatalogFixtures.MonthlyPriceAsync(pm, 19.99m);
        var cheaper = await CatalogFixtures.MonthlyPriceAsync(pm, 14.99m, "Monthly fee 2027");
        var launched = await CatalogFixtures.OfferingAsync(pm, "5G Start", "Launched", new JsonObject
        {
            ["productOfferingPrice"] = new JsonArray(new JsonObject { ["id"] = price.Id() }),
        });
        var url = $"{Offerings}/{launched.Id()}";

        using var description = await pm.PatchAsync(url, TmfHttp.Json("""{"description":"Now with 5G SA"}"""));
        Assert.Equal(HttpStatusCode.OK, description.StatusCode);

        using var repricing = await pm.PatchAsync(url, TmfHttp.Json(new JsonObject { ["productOfferingPrice"] = new JsonArray(new JsonObject { ["id"] = cheaper.Id() }) }));
        Assert.Equal(HttpStatusCode.BadRequest, repricing.StatusCode);
        Assert.Equal("LAUNCHED_OFFERING_FROZEN", (await repricing.ReadJsonAsync())["code"]!.GetValue<string>());

        using var removeStatus = await pm.PatchAsync(url, TmfHttp.Json("""{"lifecycleStatus":null}"""));
        Assert.Equal(HttpStatusCode.BadRequest, removeStatus.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pm.PatchAsync(url, TmfHttp.Json("""{"lifecycleStatus":"Retired"}"""))).StatusCode);
        using var retiredRepricing = await pm.PatchAsync(url, TmfHttp.Json(new JsonObject { ["productOfferingPrice"] = new JsonArray(new JsonObject { ["id"] = cheaper.Id() }) }));
        Assert.Equal(HttpStatusCode.BadRequest, retiredRepricing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pm.PatchAsync(url, TmfHttp.Json("""{"lifecycleStatus":"Launched"}"""))).StatusCode);

        using var versioned = await pm.PostAsync($"{url}/newVersion", null);
        Assert.Equal(HttpStatusCode.Created, versioned.StatusCode);
        var successor = await versioned.ReadJsonAsync();
        Assert.NotEqual(launched.Id(), successor.Id());
        Assert.Equal("2.0", successor["version"]!.GetValue<string>());
        Assert.Equal("In design", successor["lifecycleStatus"]!.GetValue<string>());
        var replaces = Assert.Single(successor["productOfferingRelationship"]!.AsArray());
        Assert.Equal(launched.Id(), replaces!["id"]!.GetValue<string>());
        Assert.Equal("replaces", replaces["relationshipType"]!.GetValue<string>());

        using var repriceSuccessor = await pm.PatchAsync($"{Offerings}/{successor.Id()}", TmfHttp.Json(new JsonObject { ["productOfferingPrice"] = new JsonArray(new JsonObject { ["id"] = cheaper.Id() }) }));
        Assert.Equal(HttpStatusCode.OK, repriceSuccessor.StatusCode);

        var predecessor = await pm.GetJsonAsync(url);
        Assert.Equal(price.Id(), predecessor["productOfferingPrice"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("Launched", predecessor["lifecycleStatus"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task AnonymousCallersSeeOnlyWhatCanBeOrderedNow(TestDatabase database)
    {
        var app = apps.For(database);
        var pm = app.ProductManager();
        var tag = CatalogFixtures.Unique("vis");
        var launched = await CatalogFixtures.OfferingAsync(pm, $"{tag} launched", "Launched");
        var design = await CatalogFixtures.OfferingAsync(pm, $"{tag} design", "In design");
        var expired = await CatalogFixtures.OfferingAsync(pm, $"{tag} expired", "Active", new JsonObject
        {
            ["validFor"] = new JsonObject { ["startDateTime"] = "2020-01-01T00:00:00Z", ["endDateTime"] = "2021-01-01T00:00:00Z" },
        });

        var anonymous = app.CreateClient();
        var names = (await (await anonymous.GetAsync($"{Offerings}?limit=1000")).ReadJsonAsync()).AsArray().Select(o => o!["name"]!.GetValue<string>()).ToList();
        Assert.Contains($"{tag} launched", names);
        Assert.DoesNotContain($"{tag} design", names);
        Assert.DoesNotContain($"{tag} expired", names);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"{Offerings}/{design.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"{Offerings}/{expired.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"{Offerings}/{launched.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pm.GetAsync($"{Offerings}/{design.Id()}")).StatusCode);

        var category = await pm.PostJsonAsync($"{TmfHttp.Catalog}/category", new JsonObject
        {
            ["name"] = $"{tag} category",
            ["productOffering"] = new JsonArray(new JsonObject { ["id"] = design.Id() }),
        });
        Assert.Null((await anonymous.GetJsonAsync($"{TmfHttp.Catalog}/category/{category.Id()}"))["productOffering"]);
        Assert.NotNull((await pm.GetJsonAsync($"{TmfHttp.Catalog}/category/{category.Id()}"))["productOffering"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync($"{TmfHttp.Catalog}/category?productOffering.id={design.Id()}")).StatusCode);
        Assert.DoesNotContain(design.Id(), await anonymous.GetStringAsync($"{TmfHttp.Catalog}/category?limit=1000"), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task WritesNeedAProductManager(TestDatabase database)
    {
        var app = apps.For(database);
        using var anonymous = await app.CreateClient().PostAsync(Offerings, TmfHttp.Json("""{"name":"x"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Error", (await anonymous.ReadJsonAsync())["@type"]!.GetValue<string>());

        using var customer = await app.ClientAs("c-1", "customer").PostAsync(Offerings, TmfHttp.Json("""{"name":"x"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task BundlesAndAddOnsReferToExistingOfferingsAndBlockTheirDeletion(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var plan = await CatalogFixtures.OfferingAsync(pm, "5G Max");
        var addOn = await CatalogFixtures.OfferingAsync(pm, "+20 GB", "Launched", new JsonObject
        {
            ["isSellable"] = false,
            ["productOfferingRelationship"] = new JsonArray(new JsonObject { ["id"] = plan.Id(), ["relationshipType"] = "requires" }),
        });
        Assert.Equal("5G Max", addOn["productOfferingRelationship"]![0]!["name"]!.GetValue<string>());

        using var requiresAddOn = await pm.PostAsync(Offerings, TmfHttp.Json(new JsonObject
        {
            ["name"] = "bad add-on",
            ["productOfferingRelationship"] = new JsonArray(new JsonObject { ["id"] = addOn.Id(), ["relationshipType"] = "requires" }),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, requiresAddOn.StatusCode);

        var draft = await CatalogFixtures.OfferingAsync(pm, "Draft plan", "In design");
        using var launchedWithDraft = await pm.PostAsync(Offerings, TmfHttp.Json(new JsonObject
        {
            ["name"] = "Bundle with a draft",
            ["lifecycleStatus"] = "Launched",
            ["isBundle"] = true,
            ["bundledProductOffering"] = new JsonArray(new JsonObject { ["id"] = draft.Id() }),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, launchedWithDraft.StatusCode);
        Assert.Equal("BUNDLE_PART_NOT_ORDERABLE", (await launchedWithDraft.ReadJsonAsync())["code"]!.GetValue<string>());

        var family = await CatalogFixtures.OfferingAsync(pm, "Family", "Launched", new JsonObject
        {
            ["isBundle"] = true,
            ["bundledProductOffering"] = new JsonArray(new JsonObject { ["id"] = plan.Id() }),
        });
        Assert.True(family["isBundle"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await pm.PatchAsync($"{Offerings}/{plan.Id()}", TmfHttp.Json("""{"lifecycleStatus":"Retired"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pm.PatchAsync($"{Offerings}/{family.Id()}", TmfHttp.Json("""{"description":"still editable after a part retired"}"""))).StatusCode);

        using var missing = await pm.PostAsync(Offerings, TmfHttp.Json(new JsonObject
        {
            ["name"] = "Broken bundle",
            ["isBundle"] = true,
            ["bundledProductOffering"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString() }),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("REFERENCE_NOT_FOUND", (await missing.ReadJsonAsync())["code"]!.GetValue<string>());

        var spec = await CatalogFixtures.SpecificationAsync(pm, "used spec");
        await CatalogFixtures.OfferingAsync(pm, "uses spec", "In study", new JsonObject { ["productSpecification"] = new JsonObject { ["id"] = spec.Id() } });
        using var deleteSpec = await pm.DeleteAsync($"{TmfHttp.Catalog}/productSpecification/{spec.Id()}");
        Assert.Equal(HttpStatusCode.Conflict, deleteSpec.StatusCode);

        using var deletePlan = await pm.DeleteAsync($"{Offerings}/{plan.Id()}");
        Assert.Equal(HttpStatusCode.Conflict, deletePlan.StatusCode);
        Assert.Equal("STILL_REFERENCED", (await deletePlan.ReadJsonAsync())["code"]!.GetValue<string>());
    }
}
