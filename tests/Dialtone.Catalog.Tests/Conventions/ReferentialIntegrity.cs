namespace Dialtone.Catalog.Tests.Conventions;

public sealed class ReferentialIntegrity(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    private const int Rounds = 8;

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task ADeleteRacingACreateThatRefersToItNeverLeavesADanglingReference(TestDatabase database)
    {
        var pm = apps.For(database).ProductManager();
        for (var round = 0; round < Rounds; round++)
        {
            var spec = await CatalogFixtures.SpecificationAsync(pm, $"raced {round}");
            var delete = pm.DeleteAsync($"{TmfHttp.Catalog}/productSpecification/{spec.Id()}");
            var create = pm.PostAsync($"{TmfHttp.Catalog}/productOffering", TmfHttp.Json(new JsonObject
            {
                ["name"] = $"uses raced {round}",
                ["productSpecification"] = new JsonObject { ["id"] = spec.Id() },
            }));
            using var deleted = await delete;
            using var created = await create;

            // Exactly one wins: the delete (then the create names a missing specification) or the create (then the delete is a 409).
            var outcome = (deleted.StatusCode, created.StatusCode);
            Assert.True(
                outcome is (HttpStatusCode.NoContent, HttpStatusCode.BadRequest) or (HttpStatusCode.Conflict, HttpStatusCode.Created),
                $"round {round}: delete {(int)deleted.StatusCode}, create {(int)created.StatusCode}");
        }
    }
}
