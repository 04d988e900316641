using Dialtone.Platform;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Dialtone.Parties.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dialtone.Parties.Features.SignUp;

/// <summary><c>POST /selfservice/signup</c>: the JSON sign-up the web portal calls (anonymous, rate-limited per IP).</summary>
internal static class SignUpEndpoint
{
    public static IEndpointRouteBuilder MapSignUp(this IEndpointRouteBuilder endpoints, string rateLimitPolicy)
    {
        endpoints.MapPost("/selfservice/signup", async (HttpContext http, SignUpCommand command, IOptions<DialtoneOptions> options, CancellationToken ct) =>
            {
                var input = TmfRepresentation.FromJson<SignUpRequest>(await TmfBody.ReadObjectAsync(http.Request, ct));
                var baseUrl = TmfResourceEndpoints.BaseUrl(http, options.Value);
                var result = await command.ExecuteAsync(input, baseUrl, ct);
                return Results.Created(PartyResources.Customer.Href(baseUrl, result.CustomerId), result);
            })
            .WithTags("Sign-up")
            .WithName("signUp")
            .WithSummary("Sign a new subscriber up: creates their individual, customer and login; a confirmation code goes to the mail outbox")
            .WithDescription("Then POST /selfservice/signup/confirm with the code; after that the subscriber signs in through /connect/authorize (authorization code + PKCE).")
            .Accepts<SignUpRequest>("application/json")
            .Produces<SignUpResult>(StatusCodes.Status201Created)
            .ProducesTmfErrors(400, 409, 413, 415, 429)
            .AllowAnonymous()
            .RequireRateLimiting(rateLimitPolicy)
            .DisableAntiforgery();
        return endpoints;
    }
}
