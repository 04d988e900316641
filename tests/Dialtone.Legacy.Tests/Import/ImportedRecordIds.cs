using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Legacy.Tests.Import;

/// <summary>
/// The ids of imported records (<see cref="TmfDocumentImport.IdFor"/>): stable across runs (the import's idempotency),
/// distinct per source, kind and source id, valid version-8 UUIDs, and ordered as the legacy numbers are, so that a
/// batch's records are appended to the database's indexes instead of scattered across them.
/// </summary>
public sealed class ImportedRecordIds
{
    [Fact]
    public void TheSameSourceIdGivesTheSameIdOnEveryRun() =>
        Assert.Equal(TmfDocumentImport.IdFor("legacy", "party", "C00000042"), TmfDocumentImport.IdFor("legacy", "party", "C00000042"));

    [Fact]
    public void SourceKindAndSourceIdEachMakeADifferentId()
    {
        string[] ids =
        [
            TmfDocumentImport.IdFor("legacy", "party", "C00000042"),
            TmfDocumentImport.IdFor("legacy", "customer", "C00000042"),
            TmfDocumentImport.IdFor("other", "party", "C00000042"),
            TmfDocumentImport.IdFor("legacy", "party", "C00000043"),
            // The same number behind another prefix, or written with fewer zeros: the hash part tells them apart.
            TmfDocumentImport.IdFor("legacy", "party", "X00000042"),
            TmfDocumentImport.IdFor("legacy", "party", "C42"),
        ];
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("C00000001")]
    [InlineData("S9999999999999")]
    [InlineData("no digits at all")]
    [InlineData("A12345678901234567890")]
    [InlineData("")]
    public void EveryIdIsAVersion8Uuid(string sourceId)
    {
        var id = TmfDocumentImport.IdFor("legacy", "product", sourceId);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal(8, Guid.Parse(id).Version);
    }

    [Fact]
    public void IdsOfOneKindSortAsTheirLegacyNumbers()
    {
        // Legacy numbers in export order; the ids must sort the same way, as text (how both databases order the key).
        var numbers = new[] { 1L, 2, 9, 10, 255, 256, 4_095, 4_096, 65_536, 1_000_000, 99_999_999, 9_999_999_999_999 };
        var ids = numbers.Select(n => TmfDocumentImport.IdFor("legacy", "billingAccount", $"A{n:D8}")).ToList();
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        // One kind shares its first 16 bits: a batch's records land next to each other, away from other kinds'.
        Assert.Single(ids.Select(id => id[..4]).Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public void SourceIdsWithoutANumberStillGetDistinctIds()
    {
        var ids = Enumerable.Range(0, 1_000).Select(i => TmfDocumentImport.IdFor("tmfEvent", "legacyChange", Guid.NewGuid().ToString("N") + "x")).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
