namespace Dialtone.Platform.Hub;

/// <summary>
/// The one rule for where Dialtone may call out to on someone else's word (hub callbacks, Nchf notifyUris): an absolute
/// http(s) URL without credentials whose host is on the operator's list (<c>*</c> allows any). The host is checked, not
/// the address it resolves to.
/// </summary>
public static class OutboundHosts
{
    /// <summary>Whether <paramref name="uri"/> is an http(s) URL without credentials.</summary>
    public static bool IsPlainHttp(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && string.IsNullOrEmpty(uri.UserInfo);

    /// <summary>Whether <paramref name="uri"/>'s host is on <paramref name="allowed"/>.</summary>
    public static bool IsAllowed(IReadOnlyCollection<string> allowed, Uri uri) =>
        allowed.Contains("*") || allowed.Any(host => string.Equals(host, uri.Host, StringComparison.OrdinalIgnoreCase)
                                                     || string.Equals(host, uri.IdnHost, StringComparison.OrdinalIgnoreCase));

    /// <summary>Both: a URL Dialtone may call.</summary>
    public static bool Allows(IReadOnlyCollection<string> allowed, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsPlainHttp(uri) && IsAllowed(allowed, uri);
}
