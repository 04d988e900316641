using System.Text.Json.Nodes;
using Dialtone.Standins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dialtone.NetworkSim;

/// <summary>
/// A stand-in for the operator's network provisioning system. Its subscriber records resemble the 3GPP UDM
/// subscription data of TS 29.505 (access and mobility data with the GPSI and the subscribed UE-AMBR, session
/// management data with a DNN configuration) and can be read the TS 29.505 way (<c>GET /nudm-sdm/v2/{supi}/am-data</c>,
/// <c>/sm-data</c>). TS 29.505 defines only reads, so the create/change/bar/delete API is Dialtone's own (see README).
/// </summary>
public static class NetworkSim
{
    private const string Subscriber = "subscriber";
    private const string Fibre = "fibre";
    private const string PortInKind = "portIn";

    public static async Task Main(string[] args)
    {
        var app = StandinHost.Build("network", args, Map);
        await app.RunAsync();
    }

    private static void Map(WebApplication app, StandinStore store)
    {
        app.MapPut("/subscribers/{id}", async (string id, HttpRequest request) =>
        {
            var body = await StandinHost.BodyAsync(request);
            var imsi = body?["imsi"]?.GetValue<string>();
            var msisdn = body?["msisdn"]?.GetValue<string>();
            if (imsi is null || msisdn is null)
            {
                return StandinHost.Refuse(400, "BAD_REQUEST", "imsi and msisdn are required");
            }

            var existing = store.Find(Subscriber, id);
            if (existing is not null)
            {
                return existing["supi"]!.GetValue<string>() == "imsi-" + imsi
                    ? Results.Ok(existing)
                    : StandinHost.Refuse(409, "SUBSCRIPTION_EXISTS", "the subscription exists with another IMSI");
            }

            if (store.IsTakenByAnother(Subscriber, id, "supi", "imsi-" + imsi))
            {
                return StandinHost.Refuse(409, "IMSI_IN_USE", "the IMSI belongs to another subscription");
            }

            var record = new JsonObject
            {
                ["subscriptionId"] = id,
                ["supi"] = "imsi-" + imsi,
                ["state"] = "active",
                ["paymentMode"] = body!["paymentMode"]?.GetValue<string>() ?? "postpaid",
                ["amData"] = new JsonObject
                {
                    ["gpsis"] = new JsonArray("msisdn-" + msisdn.TrimStart('+')),
                    ["subscribedUeAmbr"] = new JsonObject { ["uplink"] = "500 Mbps", ["downlink"] = "2 Gbps" },
                    ["nssai"] = new JsonObject { ["defaultSingleNssais"] = new JsonArray(new JsonObject { ["sst"] = 1 }) },
                },
                ["smData"] = new JsonArray(new JsonObject
                {
                    ["singleNssai"] = new JsonObject { ["sst"] = 1 },
                    ["dnnConfigurations"] = new JsonObject
                    {
                        ["internet"] = new JsonObject
                        {
                            ["pduSessionTypes"] = new JsonObject { ["defaultSessionType"] = "IPV4V6" },
                            ["sscModes"] = new JsonObject { ["defaultSscMode"] = "SSC_MODE_1" },
                            ["5gQosProfile"] = new JsonObject { ["5qi"] = 9, ["arp"] = new JsonObject { ["priorityLevel"] = 8, ["preemptCap"] = "NOT_PREEMPT", ["preemptVuln"] = "PREEMPTABLE" } },
                            ["sessionAmbr"] = new JsonObject { ["uplink"] = "500 Mbps", ["downlink"] = "2 Gbps" },
                        },
                    },
                }),
                ["services"] = new JsonObject(),
                ["barring"] = null,
            };
            store.Save(Subscriber, id, record);
            store.Increment("subscribersCreated");
            return Results.Created($"/subscribers/{id}", record);
        });

        app.MapGet("/subscribers/{id}", (string id) => store.Find(Subscriber, id) is { } record ? Results.Ok(record) : StandinHost.Refuse(404, "NOT_FOUND", "no such subscription"));

        app.MapDelete("/subscribers/{id}", (string id) =>
        {
            if (store.Delete(Subscriber, id))
            {
                store.Increment("subscribersDeleted");
            }

            return Results.NoContent();
        });

        app.MapPatch("/subscribers/{id}", async (string id, HttpRequest request) =>
            await ChangeAsync(store, id, async record =>
            {
                var body = await StandinHost.BodyAsync(request);
                record["paymentMode"] = body?["paymentMode"]?.GetValue<string>() ?? record["paymentMode"]?.GetValue<string>();
                store.Increment("subscribersUpdated");
            }));

        app.MapPut("/subscribers/{id}/barring", async (string id, HttpRequest request) =>
            await ChangeAsync(store, id, async record =>
            {
                var body = await StandinHost.BodyAsync(request);
                record["state"] = "barred";
                record["barring"] = new JsonObject { ["reason"] = body?["reason"]?.GetValue<string>() ?? "operatorDetermined" };
                store.Increment("subscribersBarred");
            }));

        app.MapDelete("/subscribers/{id}/barring", async (string id) =>
            await ChangeAsync(store, id, record =>
            {
                record["state"] = "active";
                record["barring"] = null;
                store.Increment("barringsLifted");
                return Task.CompletedTask;
            }));

        app.MapPut("/subscribers/{id}/services/{serviceId}", async (string id, string serviceId, HttpRequest request) =>
            await ChangeAsync(store, id, async record =>
            {
                var body = await StandinHost.BodyAsync(request);
                record["services"]![serviceId] = new JsonObject { ["service"] = body?["service"]?.GetValue<string>() };
                store.Increment("servicesActivated");
            }));

        app.MapDelete("/subscribers/{id}/services/{serviceId}", async (string id, string serviceId) =>
            await ChangeAsync(store, id, record =>
            {
                record["services"]!.AsObject().Remove(serviceId);
                return Task.CompletedTask;
            }));

        // Port-in: the simulated donor operator agrees, unless the number ends in 99 (the donor's answer: the number is
        // not the requester's, or the contract forbids leaving).
        app.MapPut("/port-ins/{id}", async (string id, HttpRequest request) =>
        {
            if (store.Find(PortInKind, id) is { } existing)
            {
                return Results.Ok(existing);
            }

            var body = await StandinHost.BodyAsync(request);
            var msisdn = body?["msisdn"]?.GetValue<string>();
            if (msisdn is null)
            {
                return StandinHost.Refuse(400, "BAD_REQUEST", "msisdn is required");
            }

            if (msisdn.EndsWith("99", StringComparison.Ordinal))
            {
                return StandinHost.Refuse(409, "PORT_IN_REJECTED", "the donor operator refused to release the number");
            }

            var portIn = new JsonObject { ["portInId"] = id, ["donorOperator"] = body!["donorOperator"]?.GetValue<string>(), ["state"] = "completed" };
            store.Save(PortInKind, id, portIn);
            store.Increment("portInsCompleted");
            return Results.Created($"/port-ins/{id}", portIn);
        });

        app.MapDelete("/port-ins/{id}", (string id) =>
        {
            store.Delete(PortInKind, id);
            return Results.NoContent();
        });

        app.MapPut("/fibre-accesses/{id}", async (string id, HttpRequest request) =>
        {
            if (store.Find(Fibre, id) is { } existing)
            {
                return Results.Ok(existing);
            }

            var body = await StandinHost.BodyAsync(request);
            var access = new JsonObject { ["accessId"] = id, ["offering"] = body?["offering"]?.GetValue<string>(), ["state"] = "active", ["ontSerial"] = "DTON" + Random.Shared.Next(10_000_000, 99_999_999) };
            store.Save(Fibre, id, access);
            store.Increment("fibreAccessesCreated");
            return Results.Created($"/fibre-accesses/{id}", access);
        });

        app.MapDelete("/fibre-accesses/{id}", (string id) =>
        {
            store.Delete(Fibre, id);
            return Results.NoContent();
        });

        // TS 29.505 reads (Nudm_SDM): the subscription data of a SUPI.
        app.MapGet("/nudm-sdm/v2/{supi}/am-data", (string supi) => BySupi(store, supi, "amData"));
        app.MapGet("/nudm-sdm/v2/{supi}/sm-data", (string supi) => BySupi(store, supi, "smData"));
        app.MapGet("/admin/subscribers/count", () => Results.Ok(new { count = store.Count(Subscriber) }));
    }

    private static async Task<IResult> ChangeAsync(StandinStore store, string id, Func<JsonObject, Task> change)
    {
        var record = store.Find(Subscriber, id);
        if (record is null)
        {
            return StandinHost.Refuse(404, "NOT_FOUND", "no such subscription");
        }

        await change(record);
        store.Save(Subscriber, id, record);
        return Results.Ok(record);
    }

    private static IResult BySupi(StandinStore store, string supi, string part)
    {
        var id = store.FindIdBy(Subscriber, "supi", supi);
        return id is not null && store.Find(Subscriber, id)?[part] is { } data
            ? Results.Ok(data)
            : Results.Json(new { title = "Not Found", status = 404, cause = "USER_NOT_FOUND" }, statusCode: 404, contentType: "application/problem+json");
    }
}
