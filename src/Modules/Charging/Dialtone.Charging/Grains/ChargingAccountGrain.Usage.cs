using System.Text.Json;
using Dialtone.Charging.Rating;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Usage;

namespace Dialtone.Charging.Grains;

internal sealed partial class ChargingAccountGrain
{
    /// <summary>
    /// A settlement that used units becomes a rated usage record in the state's outbox: written in the same transaction as
    /// the state, or not at all (a failed write reloads the state, outbox included). Nothing used, nothing recorded. The
    /// thresholds it crossed go with it (<see cref="RecordThresholds"/>).
    /// </summary>
    private void RecordUsage(ChargingSession session, long sequence, RatedService service, Settlement settlement, DateTimeOffset now)
    {
        if (settlement.Used <= 0 || Account.Profile is not { } profile)
        {
            return;
        }

        var record = new UsageRecorded(
            session.Ref, sequence, service.RatingGroup, profile.ProductId, WalletTerms.NameOf(service.Unit), settlement.Used, service.Zone, now,
            profile.Prepaid, wallet!.Money.Currency,
            [.. settlement.Debits.Select(debit => new UsageDebit(debit.BucketId, debit.Units))],
            settlement.Charge is { } charge ? new UsageCharge(charge.PriceId, charge.Units, charge.Amount, charge.Uncovered) : null,
            settlement.Unpriced, settlement.BeyondGrant);
        Account.Outbox.Add(new GrainOutboxEntry(record.Id, UsageRecorded.Kind, JsonSerializer.Serialize(record, UsageRecorded.Json), now));
        RecordThresholds(session, sequence, settlement, now);
    }
}
