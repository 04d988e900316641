namespace Dialtone.Charging.Rating;

/// <summary>How usage beyond allowances is paid (ADR 0011 §11).</summary>
public enum PaymentMode
{
    /// <summary>From credit paid in advance; grants never hold more than the free credit.</summary>
    Prepaid,

    /// <summary>Billed in arrears; an optional credit limit bounds grants.</summary>
    Postpaid,
}

/// <summary>
/// The money side of a charging account: prepaid credit (and the debt of overage it could not pay), or postpaid unbilled
/// usage under an optional credit limit; and the money open reservations hold.
/// </summary>
public sealed class MonetaryBalance
{
    private decimal credit;
    private decimal debt;
    private decimal unbilled;
    private decimal held;

    /// <summary>Prepaid or postpaid.</summary>
    public required PaymentMode Mode { get; init; }

    /// <summary>ISO 4217; the tariff's currency.</summary>
    public required string Currency { get; init; }

    /// <summary>Prepaid credit; never below zero.</summary>
    public decimal Credit { get => credit; init => credit = value; }

    /// <summary>Prepaid overage the credit could not pay; a top-up pays it first.</summary>
    public decimal Debt { get => debt; init => debt = value; }

    /// <summary>Postpaid: the most unbilled usage plus holds that grants may reach; null for no limit.</summary>
    public decimal? CreditLimit { get; init; }

    /// <summary>Postpaid usage charges of the current bill cycle, billed at its end.</summary>
    public decimal Unbilled { get => unbilled; init => unbilled = value; }

    /// <summary>Money held by open reservations.</summary>
    public decimal Held { get => held; init => held = value; }

    /// <summary>What a reservation may still hold: free credit, or what is left under the credit limit; null when unbounded.</summary>
    public decimal? Spendable => Mode == PaymentMode.Prepaid
        ? Math.Max(0, credit - held)
        : CreditLimit is { } limit ? Math.Max(0, limit - unbilled - held) : null;

    /// <summary>A prepaid balance with <paramref name="credit"/>.</summary>
    public static MonetaryBalance Prepaid(string currency, decimal credit) =>
        new() { Mode = PaymentMode.Prepaid, Currency = currency, Credit = credit };

    /// <summary>A postpaid balance, with a credit limit or none.</summary>
    public static MonetaryBalance Postpaid(string currency, decimal? creditLimit) =>
        new() { Mode = PaymentMode.Postpaid, Currency = currency, CreditLimit = creditLimit };

    internal void Hold(decimal amount) => held += amount;

    internal void Unhold(decimal amount) => held -= amount;

    /// <summary>Charges a settled amount; returns the part neither free credit nor the credit limit covers (ADR 0011 §7).</summary>
    internal decimal Charge(decimal amount)
    {
        if (Mode == PaymentMode.Prepaid)
        {
            var covered = Math.Min(amount, Math.Max(0, credit - held));
            credit -= covered;
            debt += amount - covered;
            return amount - covered;
        }

        var beyondBefore = BeyondLimit();
        unbilled += amount;
        return BeyondLimit() - beyondBefore;
    }

    /// <summary>Adds prepaid credit, paying debt first; returns the debt paid.</summary>
    internal decimal TopUp(decimal amount)
    {
        if (Mode != PaymentMode.Prepaid)
        {
            throw new InvalidOperationException("Only a prepaid balance is topped up.");
        }

        var paid = Math.Min(amount, debt);
        debt -= paid;
        credit += amount - paid;
        return paid;
    }

    internal void EndCycle()
    {
        if (Mode == PaymentMode.Postpaid)
        {
            unbilled = 0;
        }
    }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Currency);
        if (credit < 0 || debt < 0 || unbilled < 0 || held < 0 || CreditLimit < 0)
        {
            throw new ArgumentException("Credit, debt, unbilled usage, holds and the credit limit are never negative.");
        }
    }

    private decimal BeyondLimit() => CreditLimit is { } limit ? Math.Max(0, unbilled + held - limit) : 0;
}
