using System.Text.Json.Nodes;

namespace Dialtone.Testing;

/// <summary>
/// Ordering through the TMF622 API as any client does it (an in-test app or a real server process): the demo offering
/// ids, an identity check, order bodies, and waiting for an order's state. Shared by the ordering and charging tests.
/// </summary>
public static class Orders
{
    public const string OrderApi = "/tmf-api/productOrderingManagement/v4";
    public const string InventoryApi = "/tmf-api/productInventory/v4";
    public const string CatalogApi = "/tmf-api/productCatalogManagement/v4";

    /// <summary>The id of a demo offering as <paramref name="client"/> finds it, once seeded (it is seeded after start).</summary>
    public static async Task<string> OfferingIdAsync(HttpClient client, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var found = await client.GetJsonArrayAsync($"{CatalogApi}/productOffering?name={Uri.EscapeDataString(name)}&fields=id");
            if (found.Count == 1)
            {
                return found[0]!.Id();
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"The demo offering '{name}' never appeared.");
    }

    /// <summary>A passing identity check of <paramref name="partyId"/> (a customer leaves the party out: it is their own).</summary>
    public static async Task<JsonObject> PassIdentityCheckAsync(HttpClient client, string? partyId) =>
        await client.PostJsonAsync($"{OrderApi}/identityCheck", IdentityDocument(partyId, "P1234567", "1990-04-01"));

    public static JsonObject IdentityDocument(string? partyId, string number, string birthDate)
    {
        var document = new JsonObject { ["documentType"] = "passport", ["documentNumber"] = number, ["birthDate"] = birthDate };
        if (partyId is not null)
        {
            document["partyId"] = partyId;
        }

        return document;
    }

    public static JsonObject Add(string itemId, string offeringId, string? msisdn = null, JsonArray? relationships = null, JsonObject? product = null)
    {
        var item = new JsonObject { ["id"] = itemId, ["action"] = "add", ["productOffering"] = new JsonObject { ["id"] = offeringId } };
        if (msisdn is not null)
        {
            product ??= new JsonObject();
            product["productCharacteristic"] = new JsonArray(new JsonObject { ["name"] = "msisdn", ["value"] = msisdn });
        }

        if (product is not null)
        {
            item["product"] = product;
        }

        if (relationships is not null)
        {
            item["productOrderItemRelationship"] = relationships;
        }

        return item;
    }

    public static JsonObject Order(params JsonObject[] items) => new() { ["productOrderItem"] = new JsonArray([.. items]) };

    public static JsonObject For(JsonObject order, string partyId)
    {
        order["relatedParty"] = new JsonArray(new JsonObject { ["id"] = partyId, ["role"] = "customer", ["@referredType"] = "Individual" });
        return order;
    }

    /// <summary>Polls the order through <paramref name="client"/> until it reaches one of <paramref name="states"/> within <paramref name="patience"/>; the timeout names what <paramref name="diagnostics"/> adds.</summary>
    public static async Task<JsonObject> PollStateAsync(HttpClient client, string orderId, string[] states, TimeSpan patience, Func<string>? diagnostics = null)
    {
        JsonObject order = [];
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            order = await client.GetJsonAsync($"{OrderApi}/productOrder/{orderId}");
            if (states.Contains(order["state"]!.GetValue<string>()))
            {
                return order;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Order {orderId} stayed {order["state"]} (wanted {string.Join(" or ", states)}): {order.ToJsonString()}\n{diagnostics?.Invoke()}");
    }

    public static string ProductOf(JsonObject order, int item = 0) => order["productOrderItem"]![item]!["product"]!["id"]!.GetValue<string>();

    public static string? Characteristic(JsonObject product, string name) =>
        product["productCharacteristic"]!.AsArray().FirstOrDefault(c => c!["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>();
}
