using System.Text;

namespace Dialtone.Legacy.Tests.Reconciliation;

/// <summary>Wrong requests to the reconciliation and sync endpoints are clear 4xx answers in the TMF error shape, never a 500.</summary>
public sealed class ReconciliationBadInput(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    public static TheoryData<string, string, string, HttpStatusCode> Requests => new()
    {
        { "POST", "/admin/legacy/reconciliations", "{not json", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/reconciliations", "[1,2]", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/reconciliations", "{\"mode\":7}", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/reconciliations", "{\"mode\":\"everything\"}", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/reconciliations", "{\"mode\":null,\"unknown\":1}", HttpStatusCode.BadRequest },
        { "GET", "/admin/legacy/reconciliations?limit=0", "", HttpStatusCode.BadRequest },
        { "GET", "/admin/legacy/reconciliations?offset=-1", "", HttpStatusCode.BadRequest },
        { "GET", "/admin/legacy/reconciliations?limit=many", "", HttpStatusCode.BadRequest },
        { "GET", "/admin/legacy/reconciliations/no-such-job", "", HttpStatusCode.NotFound },
        { "GET", "/admin/legacy/reconciliations/no-such-job/drift", "", HttpStatusCode.NotFound },
        { "GET", "/admin/legacy/reconciliations/" + new string('x', 300), "", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task AnswersMalformedAndInvalidRequestsWithA4xx(string method, string path, string body, HttpStatusCode expected)
    {
        var app = apps.For(TestDatabase.Sqlite);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await app.Admin().SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("\"code\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(app.Errors.UnhandledRequests);
        Assert.Empty(await app.Admin().GetJsonArrayAsync("/admin/legacy/reconciliations"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task RefusesAnOversizedBodyAndOtherMediaTypes(TestDatabase database)
    {
        var app = apps.For(database);
        var huge = "{\"mode\":\"report\",\"padding\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        using (var response = await app.Admin().PostAsync("/admin/legacy/reconciliations", new StringContent(huge, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using (var response = await app.Admin().PostAsync("/admin/legacy/reconciliations", new StringContent("mode=report", Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        Assert.Empty(app.Errors.UnhandledRequests);
    }

    [Theory]
    [InlineData("GET", "/admin/legacy/sync")]
    [InlineData("GET", "/admin/legacy/reconciliations")]
    [InlineData("POST", "/admin/legacy/reconciliations")]
    [InlineData("GET", "/admin/legacy/reconciliations/x")]
    [InlineData("GET", "/admin/legacy/reconciliations/x/drift")]
    public async Task IsForAdminsOnly(string method, string path)
    {
        var app = apps.For(TestDatabase.Sqlite);
        foreach (var (client, expected) in new[]
                 {
                     (app.CreateClient(), HttpStatusCode.Unauthorized),
                     (app.ClientAs("agent-1", "agent"), HttpStatusCode.Forbidden),
                     (app.ClientAs("party-1", "customer"), HttpStatusCode.Forbidden),
                 })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{\"mode\":\"report\"}", Encoding.UTF8, "application/json") };
            Assert.Equal(expected, (await client.SendAsync(request)).StatusCode);
        }

        Assert.Empty(await app.Admin().GetJsonArrayAsync("/admin/legacy/reconciliations"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task TheSyncHasNotStartedBeforeAnImport(TestDatabase database)
    {
        var status = await apps.For(database).Admin().GetJsonAsync("/admin/legacy/sync");
        Assert.Equal("notStarted", status["state"]!.GetValue<string>());
        Assert.Equal(0, status["lagSeconds"]!.GetValue<double>());
    }
}
