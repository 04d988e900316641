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
                await command.ExecuteAsync(input, baseUrl, ct);
                return Results.Json(new SignUpAnswer("pending", "A confirmation code was sent to the address, unless it already has an account (then its owner was told)."),
                    statusCode: StatusCodes.Status202Accepted);
            })
            .WithTags("Sign-up")
            .WithName("signUp")
            .WithSummary("Sign a new subscriber up: creates their individual, customer and login; a confirmation code goes to the mail outbox")
            .WithDescription("Answers 202 the same way whether or not the address already has an account (addresses cannot be probed; an existing owner is mailed). Then POST /selfservice/signup/confirm with the code; after that the subscriber signs in through /connect/authorize (authorization code + PKCE) and finds their customer with GET /tmf-api/customerManagement/v4/customer.")
            .Accepts<SignUpRequest>("application/json")
            .Produces<SignUpAnswer>(StatusCodes.Status202Accepted)
            .ProducesTmfErrors(400, 413, 415, 429)
            .AllowAnonymous()
            .RequireRateLimiting(rateLimitPolicy)
            .DisableAntiforgery();
        return endpoints;
    }
}
