using System.Text.Json.Nodes;
using Dialtone.Standins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dialtone.SmdpSim;

/// <summary>
/// A stand-in for the operator's SM-DP+ (GSMA SGP.22): it prepares an eSIM profile for an ICCID and returns the
/// matching id that, with its address, makes the activation code <c>LPA:1$&lt;address&gt;$&lt;matching id&gt;</c>.
/// The ES2+ interface it stands in for is replaced by Dialtone's own small API (see README). Setting: <c>--address</c>,
/// the SM-DP+ address devices see (default <c>smdp.dialtone.example</c>).
/// </summary>
public static class SmdpSim
{
    private const string Profile = "profile";
    private const string MatchingIdAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static async Task Main(string[] args)
    {
        var app = StandinHost.Build("smdp", args, Map);
        await app.RunAsync();
    }

    private static void Map(WebApplication app, StandinStore store)
    {
        var address = app.Configuration["address"] ?? "smdp.dialtone.example";
        app.MapPut("/profiles/{id}", async (string id, HttpRequest request) =>
        {
            var body = await StandinHost.BodyAsync(request);
            var iccid = body?["iccid"]?.GetValue<string>();
            if (iccid is null)
            {
                return StandinHost.Refuse(400, "BAD_REQUEST", "iccid is required");
            }

            if (store.Find(Profile, id) is { } existing)
            {
                return existing["iccid"]!.GetValue<string>() == iccid ? Results.Ok(existing) : StandinHost.Refuse(409, "PROFILE_EXISTS", "the profile exists with another ICCID");
            }

            if (store.IsTakenByAnother(Profile, id, "iccid", iccid))
            {
                return StandinHost.Refuse(409, "ICCID_IN_USE", "the ICCID belongs to another profile");
            }

            var profile = new JsonObject
            {
                ["profileId"] = id,
                ["iccid"] = iccid,
                ["matchingId"] = MatchingId(),
                ["smdpAddress"] = address,
                ["state"] = "released",
            };
            store.Save(Profile, id, profile);
            store.Increment("profilesPrepared");
            return Results.Created($"/profiles/{id}", profile);
        });

        app.MapGet("/profiles/{id}", (string id) => store.Find(Profile, id) is { } profile ? Results.Ok(profile) : StandinHost.Refuse(404, "NOT_FOUND", "no such profile"));

        app.MapDelete("/profiles/{id}", (string id) =>
        {
            if (store.Delete(Profile, id))
            {
                store.Increment("profilesDeleted");
            }

            return Results.NoContent();
        });
    }

    /// <summary>An SGP.22 matching id: 20 characters from an unambiguous alphabet, in groups of five.</summary>
    private static string MatchingId()
    {
        var chars = new char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = MatchingIdAlphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(MatchingIdAlphabet.Length)];
        }

        return string.Join('-', Enumerable.Range(0, 4).Select(g => new string(chars, g * 5, 5)));
    }
}
