using Dialtone.Platform.Hub;

namespace Dialtone.Catalog.Tests.Hub;

/// <summary>The one rule for where Dialtone calls out on someone else's word (hub callbacks, Nchf notifyUris).</summary>
public sealed class OutboundHostRules
{
    [Theory]
    [InlineData("http://127.0.0.1:9/notify", "127.0.0.1", true)]
    [InlineData("https://SMF.core.example/notify", "smf.core.example", true)]
    [InlineData("http://10.0.0.5/admin", "127.0.0.1", false)]
    [InlineData("http://user:secret@127.0.0.1/notify", "127.0.0.1", false)]
    [InlineData("ftp://127.0.0.1/notify", "127.0.0.1", false)]
    [InlineData("/relative/notify", "127.0.0.1", false)]
    [InlineData("not a url", "*", false)]
    [InlineData("http://anywhere.example/notify", "*", true)]
    [InlineData("http://127.0.0.1/notify", "", false)]
    public void AUrlIsAllowedOnlyAsPlainHttpToAListedHost(string url, string allowed, bool expected) =>
        Assert.Equal(expected, OutboundHosts.Allows(allowed.Length == 0 ? [] : [allowed], url));
}
