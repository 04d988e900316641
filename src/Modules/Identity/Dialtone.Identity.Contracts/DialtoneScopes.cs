namespace Dialtone.Identity.Contracts;

/// <summary>The OAuth scopes Dialtone's APIs declare for reading and writing.</summary>
public static class DialtoneScopes
{
    /// <summary>Managing the product catalog.</summary>
    public const string CatalogWrite = "catalog.write";

    /// <summary>Reading and changing one's own customer data (self-service).</summary>
    public const string SelfService = "selfservice";

    /// <summary>Care agents' access to every customer.</summary>
    public const string Care = "care";

    /// <summary>Partners' access to what they created.</summary>
    public const string Partner = "partner";

    /// <summary>Operating the platform.</summary>
    public const string Admin = "admin";

    /// <summary>The 3GPP Nchf converged charging service's own scope (TS 32.291).</summary>
    public const string NchfConvergedCharging = "nchf-convergedcharging";

    /// <summary>Every scope Dialtone registers.</summary>
    public static readonly IReadOnlyList<string> All = [CatalogWrite, SelfService, Care, Partner, Admin, NchfConvergedCharging];
}

/// <summary>Rate limits the identity module registers and other modules' anonymous endpoints reuse.</summary>
public static class IdentityRateLimits
{
    /// <summary>Per client IP, shared by login, token, sign-up and confirmation requests.</summary>
    public const string Login = "dialtone-login";
}
