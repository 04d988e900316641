namespace Dialtone.Charging.Contracts;

/// <summary>
/// Published (through the durable outbox, at least once) when a line's used units reached 80 % or 100 % of one of its
/// allowances (ADR 0011 §9): the self-service notifications and the mail outbox consume it. Consumers dedupe by
/// <see cref="EventId"/>: a redelivery carries the same id. Ids and figures only, never a name, MSISDN or IMSI.
/// </summary>
/// <param name="EventId">Unique per crossing (session, request, allowance, percent); the same on every redelivery.</param>
/// <param name="ProductId">The line (inventory product).</param>
/// <param name="Parties">The parties named on the line when the crossing was relayed (holder, user).</param>
/// <param name="BucketId">The allowance's bucket (<c>{productId}/{characteristic}</c> of the product that brought it).</param>
/// <param name="AllowanceName">The catalog characteristic that defines it, e.g. <c>dataAllowance</c>.</param>
/// <param name="AllowanceKind"><c>plan</c>, <c>addOn</c> or <c>sharedPool</c>.</param>
/// <param name="Unit"><c>octet</c>, <c>second</c> or <c>event</c>.</param>
/// <param name="Percent">80 or 100.</param>
/// <param name="Used">Units used in the period when it was crossed.</param>
/// <param name="Amount">The allowance's units per period.</param>
/// <param name="At">When charging rated the report that crossed it.</param>
public sealed record AllowanceThresholdReached(
    string EventId,
    string ProductId,
    IReadOnlyList<AllowanceParty> Parties,
    string BucketId,
    string AllowanceName,
    string AllowanceKind,
    string Unit,
    int Percent,
    long Used,
    long Amount,
    DateTimeOffset At);

/// <summary>A party named on a line, with its role there (e.g. <c>customer</c>, <c>user</c>).</summary>
public sealed record AllowanceParty(string Id, string Role);
