using System.Text.Json.Serialization;

namespace Dialtone.Charging.Balance;

// TMF654 Prepay Balance Management v4: the part Dialtone serves (buckets, top-ups). The specs folder holds no TMF654
// file; the shapes follow TMF654 v4.0.0's Bucket, TopupBalance and TopupBalance_Create, with extensions marked.

/// <summary>An amount and its unit (<c>octets</c>, <c>seconds</c>, <c>messages</c>, or a currency code).</summary>
public sealed record Quantity([property: JsonPropertyName("amount")] decimal Amount, [property: JsonPropertyName("units")] string Units);

/// <summary>A reference to a product (the line).</summary>
public sealed record ProductRef(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("href")] string? Href = null,
    [property: JsonPropertyName("@referredType")] string? ReferredType = null);

/// <summary>How a top-up came in (TMF654 ChannelRef).</summary>
public sealed record ChannelRef([property: JsonPropertyName("id")] string? Id = null, [property: JsonPropertyName("name")] string? Name = null);

/// <summary>A period.</summary>
public sealed record TimePeriod([property: JsonPropertyName("startDateTime")] DateTimeOffset? StartDateTime = null, [property: JsonPropertyName("endDateTime")] DateTimeOffset? EndDateTime = null);

/// <summary>
/// A TMF654 bucket: an allowance (data, voice, SMS) or the line's money. <c>remainingValue</c> is what can still be
/// granted (amount − used − reserved; absent when unlimited), <c>reservedValue</c> what open sessions hold. Extensions
/// (<c>@type</c> <c>DialtoneBucket</c>): <c>usedValue</c> this period, <c>debtValue</c> (prepaid usage the credit did not cover),
/// <c>kind</c> (plan, addOn, sharedPool, money).
/// </summary>
public sealed record Bucket
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("href")] public required string Href { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("usageType")] public required string UsageType { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("isShared")] public bool IsShared { get; init; }
    [JsonPropertyName("remainingValue")] public Quantity? RemainingValue { get; init; }
    [JsonPropertyName("remainingValueName")] public string? RemainingValueName { get; init; }
    [JsonPropertyName("reservedValue")] public Quantity? ReservedValue { get; init; }
    [JsonPropertyName("usedValue")] public Quantity? UsedValue { get; init; }
    [JsonPropertyName("debtValue")] public Quantity? DebtValue { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("validFor")] public TimePeriod? ValidFor { get; init; }
    [JsonPropertyName("product")] public required IReadOnlyList<ProductRef> Product { get; init; }
    [JsonPropertyName("@type")] public string Type { get; init; } = "DialtoneBucket";
    [JsonPropertyName("@baseType")] public string BaseType { get; init; } = "Bucket";
}

/// <summary>TMF654 TopupBalance_Create: one line (<c>product</c>), and either an <c>amount</c> (agents, admins) or a <c>voucher</c>.</summary>
public sealed record TopupBalanceCreate
{
    [JsonPropertyName("product")] public IReadOnlyList<ProductRef>? Product { get; init; }
    [JsonPropertyName("amount")] public Quantity? Amount { get; init; }
    [JsonPropertyName("voucher")] public string? Voucher { get; init; }
    [JsonPropertyName("channel")] public ChannelRef? Channel { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("usageType")] public string? UsageType { get; init; }
    [JsonPropertyName("@type")] public string? Type { get; init; }
}

/// <summary>A TMF654 top-up as credited (<c>status</c> <c>confirmed</c>); <c>voucher</c> shows the code's last four characters only.</summary>
public sealed record TopupBalance
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("href")] public required string Href { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "confirmed";
    [JsonPropertyName("amount")] public required Quantity Amount { get; init; }
    [JsonPropertyName("voucher")] public string? Voucher { get; init; }
    [JsonPropertyName("usageType")] public string UsageType { get; init; } = "monetary";
    [JsonPropertyName("channel")] public required ChannelRef Channel { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("requestedDate")] public required DateTimeOffset RequestedDate { get; init; }
    [JsonPropertyName("confirmationDate")] public required DateTimeOffset ConfirmationDate { get; init; }
    [JsonPropertyName("product")] public required IReadOnlyList<ProductRef> Product { get; init; }
    [JsonPropertyName("@type")] public string Type { get; init; } = "TopupBalance";
}

/// <summary>A batch of vouchers to print (admin): how many, what each is worth, until when.</summary>
public sealed record VoucherBatchCreate(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("amount")] Quantity Amount,
    [property: JsonPropertyName("validFor")] TimePeriod ValidFor,
    [property: JsonPropertyName("name")] string? Name = null);

/// <summary>The issued batch with its codes: shown this once, never stored in clear.</summary>
public sealed record VoucherBatch(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("amount")] Quantity Amount,
    [property: JsonPropertyName("validFor")] TimePeriod ValidFor,
    [property: JsonPropertyName("codes")] IReadOnlyList<string> Codes);
