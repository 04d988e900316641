using Dialtone.Platform.Tmf;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.Hub;

/// <summary>
/// Where a hub may deliver: absolute http(s) URLs whose host is on <c>Dialtone:Hub:AllowedCallbackHosts</c>, so a
/// listener registration cannot aim Dialtone at the operator's internal network (SSRF).
/// </summary>
public sealed class CallbackPolicy(IOptionsMonitor<DialtoneOptions> options)
{
    public void EnsureAllowed(string callback)
    {
        if (!Uri.TryCreate(callback, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw TmfProblemException.BadRequest("INVALID_CALLBACK", "'callback' must be an absolute http or https URL.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw TmfProblemException.BadRequest("INVALID_CALLBACK", "'callback' must not carry credentials.");
        }

        if (!OutboundHosts.IsAllowed(options.CurrentValue.Hub.AllowedCallbackHosts, uri))
        {
            throw TmfProblemException.BadRequest("CALLBACK_NOT_ALLOWED",
                $"Callbacks to '{uri.Host}' are not allowed; the operator lists allowed hosts in Dialtone:Hub:AllowedCallbackHosts.");
        }
    }
}
