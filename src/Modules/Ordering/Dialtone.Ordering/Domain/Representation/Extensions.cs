using System.Text.Json.Serialization;

namespace Dialtone.Ordering.Domain.Representation;

public sealed partial class ProductOrder
{
    /// <summary>
    /// Every state the order has been in, oldest first, with why it moved (Dialtone's extension: TMF622 v4 keeps only the
    /// current state, which is not enough for an agent answering "what happened to my order").
    /// </summary>
    [JsonPropertyName("stateChange")]
    public List<OrderStateChange>? StateChange { get; set; }

    /// <summary>
    /// Set when the order was cancelled (Dialtone's extension): <c>beforePointOfNoReturn</c> when nothing had reached the
    /// network yet, <c>compensated</c> when what the network had done was undone.
    /// </summary>
    [JsonPropertyName("cancellationMode")]
    public string? CancellationMode { get; set; }
}

/// <summary>One move of an order's state.</summary>
public sealed class OrderStateChange
{
    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("changeDate")]
    public DateTimeOffset? ChangeDate { get; set; }

    [JsonPropertyName("changeReason")]
    public string? ChangeReason { get; set; }
}

public sealed partial class CancelProductOrder
{
    /// <summary>
    /// The parties of the order being cancelled, copied from it (Dialtone's extension): the customer sees the requests
    /// that cancel their orders.
    /// </summary>
    [JsonPropertyName("relatedParty")]
    public List<RelatedParty>? RelatedParty { get; set; }
}
