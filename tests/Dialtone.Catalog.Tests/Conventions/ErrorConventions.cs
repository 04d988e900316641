using System.Text;

namespace Dialtone.Catalog.Tests.Conventions;

public sealed class ErrorConventions(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const string Offerings = $"{TmfHttp.Catalog}/productOffering";

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory]
    [InlineData("{\"name\": ", "MALFORMED_JSON")]
    [InlineData("[1,2]", "INVALID_BODY")]
    [InlineData("{\"name\": 5}", "INVALID_BODY")]
    [InlineData("{\"description\": \"no name\"}", "INVALID_BODY")]
    [InlineData("{\"name\": \"x\", \"colour\": \"red\"}", "INVALID_BODY")]
    [InlineData("{\"name\": \"x\", \"isSellable\": \"yes\"}", "INVALID_BODY")]
    [InlineData("{\"name\": \"x\", \"validFor\": {\"startDateTime\": \"soon\"}}", "INVALID_BODY")]
    [InlineData("{\"name\": \"x\", \"lifecycleStatus\": \"Live\"}", "INVALID_LIFECYCLE_STATUS")]
    [InlineData("{\"name\": \"x\", \"productSpecification\": {\"id\": \"nope\"}}", "REFERENCE_NOT_FOUND")]
    [InlineData("{\"name\": \"x\", \"productSpecification\": {\"name\": \"no id\"}}", "INVALID_BODY")]
    [InlineData("{\"id\": \"mine\", \"name\": \"x\"}", "READ_ONLY_ATTRIBUTE")]
    [InlineData("{\"name\": \"x\", \"name\": \"y\"}", "MALFORMED_JSON")]
    [InlineData("", "EMPTY_BODY")]
    public async Task BadCreateBodiesGetTheirOwnClear400(string body, string code)
    {
        using var response = await apps.For(TestDatabase.Sqlite).ProductManager().PostAsync(Offerings, TmfHttp.Json(body));
        var error = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal("400", error["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]?.GetValue<string>()));
    }

    [Fact]
    public async Task ABodyOverOneMebibyteIs413AndAWrongMediaTypeIs415()
    {
        var pm = apps.For(TestDatabase.Sqlite).ProductManager();
        var huge = "{\"name\":\"" + new string('x', 1024 * 1024) + "\"}";
        using var tooLarge = await pm.PostAsync(Offerings, TmfHttp.Json(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("BODY_TOO_LARGE", (await tooLarge.ReadJsonAsync())["code"]!.GetValue<string>());

        using var chunked = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var tooLargeChunked = await pm.PostAsync(Offerings, chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLargeChunked.StatusCode);

        using var text = await pm.PostAsync(Offerings, new StringContent("{\"name\":\"x\"}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task UnknownIdsAre404OnEveryVerb(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var url = $"{Offerings}/{Guid.NewGuid()}";
        Assert.Equal(HttpStatusCode.NotFound, (await pm.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pm.PatchAsync(url, TmfHttp.Json("{\"description\":\"x\"}"))).StatusCode);
        using var delete = await pm.DeleteAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal("NOT_FOUND", (await delete.ReadJsonAsync())["code"]!.GetValue<string>());
        using var route = await pm.GetAsync("/tmf-api/productCatalogManagement/v4/nothingHere");
        Assert.Equal(HttpStatusCode.NotFound, route.StatusCode);
        Assert.Equal("Error", (await route.ReadJsonAsync())["@type"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Databases))]
    public async Task ReadOnlyAttributesCannotBePatched(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        var offering = await CatalogFixtures.OfferingAsync(pm, "read-only", "In study");
        foreach (var attribute in new[] { "id", "href", "lastUpdate", "@type", "@baseType" })
        {
            using var response = await pm.PatchAsync($"{Offerings}/{offering.Id()}", TmfHttp.Json(new JsonObject { [attribute] = "x" }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(attribute, (await response.ReadJsonAsync())["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
