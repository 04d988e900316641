using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy;

/// <summary>The anti-corruption layer in front of the legacy system of record (issue 6): its two doors.</summary>
public static class LegacyModule
{
    public static IServiceCollection AddLegacy(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapLegacy(this IEndpointRouteBuilder endpoints) => endpoints;
}
