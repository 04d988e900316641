using Dialtone.Platform.Tmf.Documents;

namespace Dialtone.Platform.Tmf;

/// <summary>Endpoint metadata: this endpoint lists <see cref="Resource"/>, so its query parameters are the resource's declared attributes.</summary>
public sealed record TmfListParameters(TmfResourceDescriptor Resource);
