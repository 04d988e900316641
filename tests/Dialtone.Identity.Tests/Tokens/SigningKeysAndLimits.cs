namespace Dialtone.Identity.Tests.Tokens;

public sealed class SigningKeysAndLimits
{
    [Fact]
    public async Task ATokenIssuedBeforeARestartIsStillValidAfterIt()
    {
        string token;
        string directory;
        await using (var first = new DialtoneApp())
        {
            await OAuthFlows.CreateClientAsync(first, "catalog-sync", "productManager");
            token = await OAuthFlows.AccessTokenAsync(first.CreateClient(), "catalog-sync", "catalog.write");
            directory = Path.Combine(Path.GetTempPath(), "dialtone-restart", Guid.NewGuid().ToString("N"));
            CopyDirectory(first.DataDirectory, directory);
        }

        try
        {
            await using var second = new DialtoneApp(overrides: new Dictionary<string, string?> { ["Dialtone:DataDirectory"] = directory });
            using var created = await second.CreateClient().WithBearer(token).PostAsync("/tmf-api/productCatalogManagement/v4/category", TmfHttp.Json("""{"name":"after restart"}"""));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        finally
        {
            DialtoneApp.TryDelete(directory);
        }
    }

    [Fact]
    public async Task TokenRequestsAreRateLimitedPerAccount()
    {
        await using var app = new DialtoneApp(overrides: new Dictionary<string, string?> { ["Dialtone:Identity:RequestsPerWindow"] = "3" });
        await OAuthFlows.CreateClientAsync(app, "busy", "partner");
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await OAuthFlows.ClientCredentialsAsync(client, "busy", "partner");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
