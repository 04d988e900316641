using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialtone.Identity.Features.Login;

/// <summary>
/// Login and token requests are limited per client IP (ASP.NET Core's rate limiter) and per account — the email of a
/// login, the client id of a token request — so that neither one address nor one targeted account can be hammered.
/// </summary>
internal sealed class LoginRateLimit : IDisposable
{
    public const string Policy = Contracts.IdentityRateLimits.Login;

    private readonly PartitionedRateLimiter<string> perAccount;

    public LoginRateLimit(IOptions<DialtoneIdentityOptions> options)
    {
        var settings = options.Value;
        perAccount = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetFixedWindowLimiter(account, _ => Window(settings)));
    }

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<LoginRateLimit>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<DialtoneIdentityOptions>>().Value;
                var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter("ip:" + ip, _ => Window(settings));
            });
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
    }

    /// <summary>An endpoint filter that also limits by the account named in the form.</summary>
    public static async ValueTask<object?> PerAccount(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync();
            var account = form["email"].ToString().Trim().ToLowerInvariant() is { Length: > 0 } email ? "user:" + email
                : form["client_id"].ToString() is { Length: > 0 } client ? "client:" + client : null;
            if (account is not null)
            {
                using var lease = http.RequestServices.GetRequiredService<LoginRateLimit>().perAccount.AttemptAcquire(account);
                if (!lease.IsAcquired)
                {
                    http.Response.Headers.RetryAfter = 60.ToString(CultureInfo.InvariantCulture);
                    return Results.StatusCode(StatusCodes.Status429TooManyRequests);
                }
            }
        }

        return await next(context);
    }

    public void Dispose() => perAccount.Dispose();

    private static FixedWindowRateLimiterOptions Window(DialtoneIdentityOptions settings) => new()
    {
        PermitLimit = settings.RequestsPerWindow,
        Window = settings.RateLimitWindow,
        QueueLimit = 0,
    };
}
