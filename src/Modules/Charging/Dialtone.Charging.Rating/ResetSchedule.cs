namespace Dialtone.Charging.Rating;

/// <summary>When bill cycles turn and allowances are refilled: at 00:00 UTC (ADR 0011 §10).</summary>
public static class ResetSchedule
{
    /// <summary>
    /// The first bill cycle start after <paramref name="after"/>: 00:00 UTC on <paramref name="cycleDay"/> (1–31) of a month,
    /// or on the month's last day when it is shorter.
    /// </summary>
    public static DateTimeOffset NextCycleStart(DateTimeOffset after, int cycleDay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cycleDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycleDay, 31);
        var utc = after.UtcDateTime;
        var month = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var start = CycleStartIn(month, cycleDay);
        return start > utc ? start : CycleStartIn(month.AddMonths(1), cycleDay);
    }

    /// <summary>The first reset of <paramref name="period"/> after <paramref name="after"/>, or null for <see cref="ResetPeriod.None"/>.</summary>
    public static DateTimeOffset? Next(ResetPeriod period, DateTimeOffset after, int cycleDay)
    {
        var midnight = new DateTimeOffset(after.UtcDateTime.Date, TimeSpan.Zero);
        var daysToMonday = ((int)DayOfWeek.Monday - (int)midnight.DayOfWeek + 7) % 7;
        return period switch
        {
            ResetPeriod.None => null,
            ResetPeriod.BillingCycle => NextCycleStart(after, cycleDay),
            ResetPeriod.Month => NextCycleStart(after, 1),
            ResetPeriod.Week => midnight.AddDays(daysToMonday == 0 ? 7 : daysToMonday),
            ResetPeriod.Day => midnight.AddDays(1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, null),
        };
    }

    private static DateTimeOffset CycleStartIn(DateTime month, int cycleDay) =>
        new(month.AddDays(Math.Min(cycleDay, DateTime.DaysInMonth(month.Year, month.Month)) - 1), TimeSpan.Zero);
}
