namespace Dialtone.Catalog.Tests.Persistence;

public sealed class MigrationsAtStart
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task SeveralNodesStartingTogetherOnOneDatabaseAllBecomeReady(TestDatabase database)
    {
        await using var first = new DialtoneApp(database);
        var shared = new Dictionary<string, string?> { ["Dialtone:DataDirectory"] = first.DataDirectory };
        if (database == TestDatabase.Postgres)
        {
            shared["ConnectionStrings:Dialtone"] = first.ConnectionString;
        }

        await using var second = new DialtoneApp(database, shared, ownsDatabase: false);
        await using var third = new DialtoneApp(database, shared, ownsDatabase: false);

        var ready = await Task.WhenAll(new[] { first, second, third }.Select(app => Task.Run(async () =>
        {
            using var response = await app.WaitUntilReadyAsync();
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync() + string.Join("\n", app.Errors.Entries));
        })));
        Assert.All(ready, r => Assert.True(r.StatusCode == HttpStatusCode.OK, r.Body));

        var created = await first.ProductManager().PostJsonAsync($"{TmfHttp.Catalog}/category", new JsonObject { ["name"] = "shared" });
        Assert.Equal("shared", (await third.ProductManager().GetJsonAsync($"{TmfHttp.Catalog}/category/{created.Id()}"))["name"]!.GetValue<string>());
    }
}
