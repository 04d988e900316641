using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Dialtone.Testing;

/// <summary>Small helpers for talking JSON to a TMF API in tests.</summary>
public static class TmfHttp
{
    public const string Catalog = "/tmf-api/productCatalogManagement/v4";

    public static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));

    public static StringContent Json(JsonNode node, string mediaType = "application/json") => Json(node.ToJsonString(), mediaType);

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("The response body is null.");

    public static async Task<JsonObject> PostJsonAsync(this HttpClient client, string path, object body, int expectedStatus = 201)
    {
        var node = body as JsonNode ?? JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!;
        using var response = await client.PostAsync(path, Json(node));
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != expectedStatus)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}, expected {expectedStatus}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonArray> GetJsonArrayAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsArray();
    }

    public static string Id(this JsonNode node) => node["id"]!.GetValue<string>();
}
