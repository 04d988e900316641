namespace Dialtone.Charging.Grains;

/// <summary>
/// A credit to a prepaid balance: an agent's or admin's amount, or a voucher's value (TMF654 <c>topupBalance</c>).
/// <paramref name="Key"/> is the keyed hash of the caller and their <c>Idempotency-Key</c>: the same key with the same
/// request (<paramref name="Fingerprint"/>) answers the first top-up again and credits nothing twice.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TopUpRequest(
    [property: Id(0)] string Key,
    [property: Id(1)] string Fingerprint,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] string? Voucher,
    [property: Id(5)] string? Reason,
    [property: Id(6)] string Channel,
    [property: Id(7)] string Requestor);

/// <summary>How a top-up went.</summary>
public enum TopUpOutcome
{
    /// <summary>Credited now.</summary>
    Credited,

    /// <summary>The same request under the same key was credited before: its record is returned, nothing credited again.</summary>
    Repeated,

    /// <summary>The key was used for another request.</summary>
    KeyReused,

    /// <summary>The account is postpaid: credits there are bill adjustments (billing), not top-ups.</summary>
    NotPrepaid,

    /// <summary>The account is closed or was never opened.</summary>
    NotOpen,

    /// <summary>The amount is not in the account's currency.</summary>
    WrongCurrency,
}

/// <summary>A top-up as it was credited; <c>Voucher</c> keeps only the code's last four characters.</summary>
[GenerateSerializer, Immutable]
public sealed record TopUpRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Key,
    [property: Id(2)] string Fingerprint,
    [property: Id(3)] string ProductId,
    [property: Id(4)] decimal Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] string? Voucher,
    [property: Id(7)] string? Reason,
    [property: Id(8)] string Channel,
    [property: Id(9)] string Requestor,
    [property: Id(10)] DateTimeOffset CreditedAt,
    [property: Id(11)] decimal DebtPaid,
    [property: Id(12)] decimal CreditAfter);

/// <summary>A top-up's outcome and, when credited now or before, its record.</summary>
[GenerateSerializer, Immutable]
public sealed record TopUpResult([property: Id(0)] TopUpOutcome Outcome, [property: Id(1)] TopUpRecord? Record, [property: Id(2)] string? Currency = null);
