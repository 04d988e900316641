using System.Text;
using Xunit.Abstractions;

namespace Dialtone.Catalog.Tests.Conventions;

/// <summary>No request, however bad, produces a 500: generated broken bodies against every POST and PATCH.</summary>
public sealed class BrokenBodies(DialtoneApps apps, ITestOutputHelper output) : IClassFixture<DialtoneApps>
{
    private const int MutationsPerEndpoint = 60;

    private static readonly (string Resource, string Valid)[] Resources =
    [
        ("productSpecification", """{"name":"Spec","brand":"B","productSpecCharacteristic":[{"name":"data","valueType":"allowance","productSpecCharacteristicValue":[{"value":{"unit":"octet","amount":1000,"unlimited":false,"ratingGroups":[10],"resetPeriod":"month","rollover":false,"sharedPool":false,"priority":1,"zone":"home"}}]}]}"""),
        ("productOfferingPrice", """{"name":"Fee","priceType":"recurring","price":{"unit":"EUR","value":9.5},"validFor":{"startDateTime":"2026-01-01T00:00:00Z"}}"""),
        ("productOffering", """{"name":"Plan","isSellable":true,"lifecycleStatus":"In study","validFor":{"startDateTime":"2026-01-01T00:00:00Z"},"productOfferingRelationship":[]}"""),
        ("category", """{"name":"Plans","isRoot":true}"""),
        ("catalog", """{"name":"Catalog","catalogType":"consumer"}"""),
    ];

    public static TheoryData<TestDatabase> Databases => DialtoneApps.Databases;

    [Theory, MemberData(nameof(Databases))]
    public async Task EveryPostAndPatchAnswersGeneratedBrokenBodiesWith4xx(TestDatabase database)
    {
        var seed = Environment.GetEnvironmentVariable("DIALTONE_FUZZ_SEED") is { } fixedSeed ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set DIALTONE_FUZZ_SEED to replay)");
        var random = new Random(seed);
        var pm = apps.For(database).ProductManager();
        var admin = apps.For(database).Admin();
        var failures = new List<string>();

        foreach (var (resource, valid) in Resources)
        {
            var url = $"{TmfHttp.Catalog}/{resource}";
            var existing = await pm.PostJsonAsync(url, JsonNode.Parse(valid)!);
            foreach (var body in Mutations(valid, random).Take(MutationsPerEndpoint))
            {
                await Check(pm, HttpMethod.Post, url, body, "application/json", failures);
                await Check(pm, HttpMethod.Patch, $"{url}/{existing.Id()}", body, "application/merge-patch+json", failures);
            }
        }

        foreach (var body in Mutations("""{"callback":"http://127.0.0.1:9/x","query":"eventType=ProductOfferingCreateEvent"}""", random).Take(MutationsPerEndpoint))
        {
            await Check(pm, HttpMethod.Post, $"{TmfHttp.Catalog}/hub", body, "application/json", failures);
        }

        foreach (var body in Mutations("""{"ids":["0199aaaa-0000-7000-8000-000000000000"]}""", random).Take(MutationsPerEndpoint))
        {
            await Check(admin, HttpMethod.Post, "/admin/deadLetters/replay", body, "application/json", failures);
        }

        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n", failures.Take(20)));
    }

    private static async Task Check(HttpClient client, HttpMethod method, string url, byte[] body, string mediaType, List<string> failures)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        if (status >= 500 || (status < 400 && !IsHarmlessSuccess(status)))
        {
            failures.Add($"{method} {url} -> {status} for {Encoding.UTF8.GetString(body)[..Math.Min(200, body.Length)]}: {await response.Content.ReadAsStringAsync()}");
        }
        else if (status >= 400)
        {
            var error = await response.ReadJsonAsync();
            if (error["@type"]?.GetValue<string>() != "Error" || error["code"] is null)
            {
                failures.Add($"{method} {url} -> {status} without a TMF Error body");
            }
        }
    }

    // A mutation can stay valid (e.g. dropping an optional attribute); a 2xx for it is correct, not a failure.
    private static bool IsHarmlessSuccess(int status) => status is 200 or 201 or 202;

    private static IEnumerable<byte[]> Mutations(string valid, Random random)
    {
        var utf8 = Encoding.UTF8.GetBytes(valid);
        yield return [];
        yield return "null"u8.ToArray();
        yield return "[]"u8.ToArray();
        yield return "\"text\""u8.ToArray();
        yield return "{"u8.ToArray();
        yield return [0xFF, 0xFE, 0x7B, 0x7D];
        yield return Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000));
        yield return Encoding.UTF8.GetBytes("{\"name\":" + new string('9', 400) + "}");
        yield return Encoding.UTF8.GetBytes("{\"name\":\"\\ud800\"}");
        yield return Encoding.UTF8.GetBytes("{\"name\":\"a\\u0000b\"}");
        while (true)
        {
            var node = JsonNode.Parse(valid)!.AsObject();
            switch (random.Next(7))
            {
                case 0:
                    yield return utf8[..random.Next(1, utf8.Length)];
                    break;
                case 1:
                    var copy = (byte[])utf8.Clone();
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                    yield return copy;
                    break;
                default:
                    Mutate(node, random);
                    yield return Encoding.UTF8.GetBytes(node.ToJsonString());
                    break;
            }
        }
    }

    private static readonly string[] ArrayAttributes =
    [
        "productOfferingPrice", "bundledProductOffering", "category", "productOfferingRelationship", "prodSpecCharValueUse",
        "productSpecCharacteristic", "bundledProductSpecification", "bundledPopRelationship", "popRelationship", "subCategory",
        "productOffering", "relatedParty", "productOfferingTerm", "attachment", "channel", "ids",
    ];

    private static void Mutate(JsonNode node, Random random)
    {
        if (random.Next(3) == 0)
        {
            JsonNode?[] elements = [null, new JsonObject(), new JsonObject { ["id"] = null }, new JsonObject { ["id"] = "\u0000" }, 7, "x"];
            node.AsObject()[ArrayAttributes[random.Next(ArrayAttributes.Length)]] = new JsonArray(elements[random.Next(elements.Length)]?.DeepClone());
            return;
        }

        var objects = Descendants(node).OfType<JsonObject>().ToList();
        var target = objects[random.Next(objects.Count)];
        var keys = target.Select(p => p.Key).ToList();
        JsonNode?[] replacements = [null, 42, -1, 1e300, "", "x", true, new JsonArray(), new JsonObject(), new JsonArray(1, "a", null), "2026-13-45T99:00:00Z", new string('z', 5000), "a\u0000b"];
        if (keys.Count == 0 || random.Next(4) == 0)
        {
            target[$"unknown{random.Next(100)}"] = replacements[random.Next(replacements.Length)]?.DeepClone();
        }
        else
        {
            target[keys[random.Next(keys.Count)]] = replacements[random.Next(replacements.Length)]?.DeepClone();
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
