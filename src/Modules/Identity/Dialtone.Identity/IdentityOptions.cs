namespace Dialtone.Identity;

/// <summary>Settings under <c>Dialtone:Identity</c>.</summary>
public sealed class DialtoneIdentityOptions
{
    public const string Section = "Dialtone:Identity";

    /// <summary>Lifetime of access tokens.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of refresh tokens (rolling).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Failed logins before an account is locked, and for how long.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Login and token requests allowed per window, per client IP and per account (user name or client id).</summary>
    public int RequestsPerWindow { get; set; } = 20;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Redirect URIs of the web portal client (authorization code + PKCE).</summary>
    public List<string> PortalRedirectUris { get; set; } = [];

    /// <summary>Creates the first admin at start when no admin exists (set once, then remove): email and password.</summary>
    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
}

public sealed class BootstrapAdminOptions
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}
