using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dialtone.Platform.Tmf;

/// <summary>Declaring on an endpoint the TMF Error answers it can give, so the OpenAPI document shows them.</summary>
public static class TmfEndpointConventions
{
    public static RouteHandlerBuilder ProducesTmfErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<TmfError>(status, "application/json");
        }

        return builder.Produces<TmfError>(StatusCodes.Status500InternalServerError, "application/json");
    }
}
