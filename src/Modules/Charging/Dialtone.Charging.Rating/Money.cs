namespace Dialtone.Charging.Rating;

/// <summary>How amounts are rounded (ADR 0011 §4): 4 decimal places while charging, 2 on invoices, half away from zero.</summary>
public static class Money
{
    /// <summary>The decimal places charges, credit and holds are kept to.</summary>
    public const int Decimals = 4;

    /// <summary>The decimal places an invoice line is rounded to.</summary>
    public const int InvoiceDecimals = 2;

    /// <summary>A charge rounded once to <see cref="Decimals"/> places, half away from zero.</summary>
    public static decimal Round(decimal amount) => Math.Round(amount, Decimals, MidpointRounding.AwayFromZero);

    /// <summary>An invoice line rounded once to <see cref="InvoiceDecimals"/> places, half away from zero.</summary>
    public static decimal RoundForInvoice(decimal amount) => Math.Round(amount, InvoiceDecimals, MidpointRounding.AwayFromZero);
}
