using System.Net.Http.Headers;
using System.Text;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>Wrong requests to the import and mapping endpoints are clear 4xx answers, never a 500, and start nothing.</summary>
public sealed class ImportJobBadInput(DialtoneApps apps) : IClassFixture<DialtoneApps>
{
    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    public static TheoryData<string, string, string, HttpStatusCode> Requests => new()
    {
        { "POST", "/admin/legacy/importJobs", "{not json", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/importJobs", "[1,2]", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/importJobs", "{\"batchSize\":\"many\"}", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/importJobs", "{\"batchSize\":5}", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/importJobs", "{\"source\":\"ftp\"}", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/importJobs", "{\"source\":\"upload\"}", HttpStatusCode.BadRequest },
        { "POST", "/admin/legacy/importJobs", "{\"unknown\":1}", HttpStatusCode.BadRequest },
        { "PUT", "/admin/legacy/planMappings", "{not json", HttpStatusCode.BadRequest },
        { "PUT", "/admin/legacy/planMappings", "{}", HttpStatusCode.BadRequest },
        { "PUT", "/admin/legacy/planMappings", "{\"mappings\":[{\"legacyPlanCode\":\"PLN-S10\"}]}", HttpStatusCode.BadRequest },
        { "PUT", "/admin/legacy/planMappings", "{\"mappings\":[{\"legacyPlanCode\":\"PLN-S10\",\"productOfferingId\":\"no-such-offering\"}]}", HttpStatusCode.BadRequest },
        { "PUT", "/admin/legacy/planMappings", "{\"mappings\":[{\"legacyPlanCode\":\"PLN-S10\",\"productOfferingId\":7}]}", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task AnswersMalformedAndInvalidBodiesWithA400(string method, string path, string body, HttpStatusCode expected)
    {
        var app = apps.For(TestDatabase.Sqlite);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await app.Admin().SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("\"code\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(app.Errors.UnhandledRequests);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task AnswersUnknownJobsWithA404(TestDatabase database)
    {
        var admin = apps.For(database).Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/legacy/importJobs/no-such-job")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/legacy/importJobs/no-such-job/errors")).StatusCode);
    }

    [Fact]
    public async Task RefusesAnUploadThatIsNotTheExport()
    {
        var admin = apps.For(TestDatabase.Sqlite).Admin();
        using var content = new StringContent("NAME,EMAIL\r\nAnna,anna@example.com\r\n", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await admin.PostAsync("/admin/legacy/importJobs", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("INVALID_EXPORT", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/admin/legacy/importJobs/x")]
    [InlineData("GET", "/admin/legacy/importJobs/x/errors")]
    [InlineData("POST", "/admin/legacy/importJobs")]
    [InlineData("GET", "/admin/legacy/planMappings")]
    [InlineData("PUT", "/admin/legacy/planMappings")]
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
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            Assert.Equal(expected, (await client.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task KeepsThePlanMappingTheOperatorPut()
    {
        var admin = apps.For(TestDatabase.Sqlite).Admin();
        var before = JsonNode.Parse(await admin.GetStringAsync("/admin/legacy/planMappings"))!;
        Assert.NotNull(before["mappings"]);
        using var empty = await admin.PutAsync("/admin/legacy/planMappings", new StringContent("{\"mappings\":[]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Empty(JsonNode.Parse(await admin.GetStringAsync("/admin/legacy/planMappings"))!["mappings"]!.AsArray());
    }
}
