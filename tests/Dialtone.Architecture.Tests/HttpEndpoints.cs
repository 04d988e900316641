using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dialtone.Architecture.Tests;

public class HttpEndpoints(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public async Task EachTmfApiEndpointRequiresARegisteredPolicy()
    {
        var tmfEndpoints = server.Endpoints.OfType<RouteEndpoint>().Where(IsTmfApi).ToList();
        Assert.NotEmpty(tmfEndpoints);

        var violations = new List<string>();
        foreach (var endpoint in tmfEndpoints)
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Select(authorize => authorize.Policy)
                .OfType<string>()
                .Where(policy => policy.Length > 0)
                .ToList();
            if (policies.Count == 0)
            {
                violations.Add($"{Describe(endpoint)} declares no authorization policy");
            }

            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                violations.Add($"{Describe(endpoint)} allows anonymous callers, which overrides its policy");
            }

            foreach (var policy in policies)
            {
                if (await server.Policies.GetPolicyAsync(policy) is null)
                {
                    violations.Add($"{Describe(endpoint)} names the policy '{policy}', which is not registered");
                }
            }
        }

        ArchitectureAssert.NoViolations(violations);
    }

    [Fact]
    public void EachEndpointRequiresAuthorizationOrAllowsAnonymous()
    {
        Assert.NotEmpty(server.Endpoints);

        var violations = server.Endpoints
            .Where(endpoint => endpoint.Metadata.GetMetadata<IAuthorizeData>() is null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(endpoint => $"{Describe(endpoint)} neither requires authorization nor allows anonymous callers");

        ArchitectureAssert.NoViolations(violations);
    }

    private static bool IsTmfApi(RouteEndpoint endpoint)
    {
        var pattern = endpoint.RoutePattern.RawText?.TrimStart('/') ?? "";
        return pattern == "tmf-api" || pattern.StartsWith("tmf-api/", StringComparison.Ordinal);
    }

    private static string Describe(Endpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
        var route = endpoint is RouteEndpoint routeEndpoint ? routeEndpoint.RoutePattern.RawText : null;
        return $"{string.Join(',', methods)} {route ?? endpoint.DisplayName}".Trim();
    }
}
