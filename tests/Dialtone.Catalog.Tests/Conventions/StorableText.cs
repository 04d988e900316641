using System.Text.Json.Nodes;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Catalog.Tests.Conventions;

/// <summary>What no stored text may hold, refused with the place named (request bodies and imported representations alike).</summary>
public sealed class StorableText
{
    [Theory]
    [InlineData("""{"name":"a","productOfferingPrice":[{"id":"p-1"},null]}""", "'productOfferingPrice[1]' is null; leave it out instead.")]
    [InlineData("""{"name":"a","note":[{"text":"x\u0000y"}]}""", "'note[0].text' contains a NUL character or a broken surrogate.")]
    [InlineData("""{"description":"\ud800 alone"}""", "'description' is not valid text.")]
    [InlineData("""{"a":{"b":{"c":["ok","\udc00"]}}}""", "'a.b.c[1]' is not valid text.")]
    public void AValueNoDatabaseCanStoreIsRefusedWithItsPlace(string body, string detail)
    {
        var refused = Assert.Throws<TmfProblemException>(() => TmfRepresentation.EnsureStorable(JsonNode.Parse(body)));
        Assert.Equal((400, "INVALID_BODY", detail), (refused.Status, refused.Code, refused.Detail));
    }

    [Fact]
    public void ABrokenSurrogateInTextBuiltInCodeIsRefusedToo()
    {
        // An importer's typed representation carries another system's strings as they came, not parsed from JSON.
        var refused = Assert.Throws<TmfProblemException>(() => TmfRepresentation.EnsureStorable(new JsonObject { ["relatedParty"] = new JsonArray(new JsonObject { ["name"] = "Zo\ud800" }) }));
        Assert.Equal("'relatedParty[0].name' contains a NUL character or a broken surrogate.", refused.Detail);
    }

    [Fact]
    public void OrdinaryTextPasses() =>
        Assert.Null(Record.Exception(() => TmfRepresentation.EnsureStorable(JsonNode.Parse("""{"name":"Zoë 😀","tags":["a","b"],"n":1,"nested":{"empty":[]}}"""))));
}
