using System.Text.Json;
using Dialtone.Charging.Notifications;
using Dialtone.Charging.Rating;
using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Grains;

internal sealed partial class ChargingAccountGrain
{
    /// <summary>
    /// Each threshold a settlement crossed (80 % or 100 % of an allowance, on used units: ADR 0011 §9) becomes an entry in
    /// the state's outbox, written with the state or not at all. A retransmission is answered without rating, so it
    /// crosses nothing again; the id (request, allowance, percent) makes a replayed write store it once.
    /// </summary>
    private void RecordThresholds(ChargingSession session, long sequence, Settlement settlement, DateTimeOffset now)
    {
        if (settlement.Thresholds.Count == 0 || Account.Profile is not { } profile)
        {
            return;
        }

        foreach (var crossing in settlement.Thresholds)
        {
            var bucket = wallet!.Find(crossing.BucketId);
            var crossed = new AllowanceThresholdCrossed(
                session.Ref, sequence, profile.ProductId, crossing.BucketId, bucket is not null ? WalletTerms.NameOf(bucket.Kind) : crossing.BucketId.StartsWith("pool:", StringComparison.Ordinal) ? "sharedPool" : "plan",
                WalletTerms.NameOf(bucket?.Unit ?? session.Unit), crossing.Percent, crossing.Used, crossing.Amount, now);
            Account.Outbox.Add(new GrainOutboxEntry(crossed.Id, AllowanceThresholdCrossed.Kind, JsonSerializer.Serialize(crossed, AllowanceThresholdCrossed.Json), now));
        }
    }
}
