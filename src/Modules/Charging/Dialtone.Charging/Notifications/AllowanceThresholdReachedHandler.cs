using System.Globalization;
using Dialtone.Charging.Contracts;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Identity.Contracts;
using Dialtone.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Charging.Notifications;

/// <summary>
/// The self-service notifications and the mail for <see cref="AllowanceThresholdReached"/> (delivered at least once):
/// one notice per party named on the line, and in the same transaction one <see cref="MailParty"/> for each notice
/// stored now. A notice already stored (a redelivery, a second publication of the same crossing) is skipped with its
/// mail, so nobody is told twice. Mail about one's own allowance is a service message, not marketing: it needs no
/// marketing consent. Public because Wolverine generates the code that calls it.
/// </summary>
public static partial class AllowanceThresholdReachedHandler
{
    public static async Task HandleAsync(AllowanceThresholdReached message, IServiceScopeFactory scopes, TimeProvider clock, ILogger<AllowanceThresholdReached> logger,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<UsageDbContext>>();
        var db = (UsageDbContext)outbox.DbContext;
        await using var transaction = await db.BeginSerializedWriteAsync(cancellationToken);
        var partyIds = message.Parties.Select(party => party.Id).Distinct(StringComparer.Ordinal).ToList();
        var ids = partyIds.ToDictionary(party => party, party => AllowanceNotification.IdOf(message.EventId, party), StringComparer.Ordinal);
        var known = ids.Values.ToList();
        var stored = (await db.Notifications.Where(n => known.Contains(n.Id)).Select(n => n.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var added = 0;
        foreach (var party in partyIds.Where(party => !stored.Contains(ids[party])))
        {
            db.Notifications.Add(new AllowanceNotification
            {
                Id = ids[party], PartyId = party, EventId = message.EventId, ProductId = message.ProductId, BucketId = message.BucketId,
                AllowanceName = message.AllowanceName, AllowanceKind = message.AllowanceKind, Unit = message.Unit, Percent = message.Percent,
                Used = message.Used, Amount = message.Amount, ReachedAt = message.At, CreatedAt = now,
            });
            var (subject, body) = AllowanceMessages.MailOf(message);
            await outbox.PublishAsync(new MailParty(ids[party], party, subject, body));
            added++;
        }

        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
        LogNotified(logger, message.Percent, added, partyIds.Count - added);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Allowance reached {Percent} %: {Added} parties notified, {Known} already were")]
    private static partial void LogNotified(ILogger logger, int percent, int added, int known);
}

/// <summary>How a threshold reads to a subscriber: the allowance, the percent and the figures, nothing about the person.</summary>
internal static class AllowanceMessages
{
    public static string TextOf(string allowanceName, string unit, int percent, long used, long amount) => percent >= 100
        ? $"You have used all of your {Describe(allowanceName)} ({Quantity(used, unit)} of {Quantity(amount, unit)}). Further use is charged or stops, depending on your plan; an add-on gives you more."
        : $"You have used {percent} % of your {Describe(allowanceName)} ({Quantity(used, unit)} of {Quantity(amount, unit)}).";

    public static (string Subject, string Body) MailOf(AllowanceThresholdReached message)
    {
        var subject = message.Percent >= 100 ? $"Your {Describe(message.AllowanceName)} is used up" : $"{message.Percent} % of your {Describe(message.AllowanceName)} used";
        return (subject, TextOf(message.AllowanceName, message.Unit, message.Percent, message.Used, message.Amount)
            + " See your usage and add-ons in the Dialtone app. This is a service message about your line; it is sent whatever your marketing choices.");
    }

    /// <summary><c>dataAllowance</c> → <c>data allowance</c>.</summary>
    public static string Describe(string name)
    {
        var words = new System.Text.StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return words.Length == 0 ? "allowance" : words.ToString();
    }

    public static string Quantity(long units, string unit) => unit switch
    {
        "second" => units % 60 == 0 ? $"{units / 60} min" : $"{(units / 60.0).ToString("0.#", CultureInfo.InvariantCulture)} min",
        "event" => $"{units}",
        _ => units >= 1_000_000_000
            ? $"{(units / 1e9).ToString("0.##", CultureInfo.InvariantCulture)} GB"
            : $"{(units / 1e6).ToString("0.##", CultureInfo.InvariantCulture)} MB",
    };
}
