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
    public void TheLayoutIsPinned()
    {
        // Stored ids: a change of the layout would make a repeated import create its records twice (ADR 0015). Computed
        // independently (Python's hashlib): kind prefix f8d1, the number 42 around the version nibble, the hash's first bytes.
        Assert.Equal("f8d10000-0000-802a-b345-d5e321f1c26b", TmfDocumentImport.IdFor("legacy", "party", "C00000042"));
        Assert.Equal("5a992a42-3360-89a2-876b-b10e5cf939bd", TmfDocumentImport.HashIdFor("tmfEvent", "legacyChange", "01a229d4-e0f1-7872-8b97-2f5fc433fa25"));
    }

    [Theory]
    [InlineData("01a229d4-e0f1-7872-8b97-2f5fc433fa25")]
    [InlineData("CUST-2024-000123")]
    [InlineData("12345678901234")]
    public void ASourceIdThatIsNotANumberAfterAPrefixTakesItsOrderFromTheHash(string sourceId)
    {
        // Digits before the last run (a UUID, a dated id) or too many of them: no number, so nothing predictable in the id.
        var id = TmfDocumentImport.IdFor("legacy", "party", sourceId);
        var order = Convert.ToUInt64(string.Concat(id.AsSpan(4, 4), id.AsSpan(9, 4), id.AsSpan(15, 3)), 16);
        var trailing = new string([.. sourceId.Reverse().TakeWhile(char.IsAsciiDigit).Reverse()]);
        Assert.NotEqual(ulong.Parse(trailing, System.Globalization.CultureInfo.InvariantCulture) & ((1UL << 44) - 1), order);
    }

    [Fact]
    public void EventIdsGetDistinctIds()
    {
        // UUIDv7 event ids often end in digits; ids named after them must still be all hash.
        var ids = Enumerable.Range(0, 1_000).Select(_ => Guid.CreateVersion7().ToString()).SelectMany(e =>
            new[] { TmfDocumentImport.IdFor("tmfEvent", "legacyChange", e), TmfDocumentImport.HashIdFor("tmfEvent", "legacyChange", e) }).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
