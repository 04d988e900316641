using Dialtone.Charging.Rating;
using Microsoft.Extensions.Logging;

namespace Dialtone.Charging.Grains;

/// <summary>Prepaid top-ups: credited once per key, kept in the account's state for replay and reading.</summary>
internal sealed partial class ChargingAccountGrain
{
    /// <summary>How many top-ups the state keeps (for answering a repeated key and for reading); older ones drop off.</summary>
    internal const int TopUpsKept = 100;

    public async Task<TopUpResult> TopUpAsync(TopUpRequest request)
    {
        if (Account.TopUps.Find(record => record.Key == request.Key) is { } earlier)
        {
            return earlier.Fingerprint == request.Fingerprint ? new(TopUpOutcome.Repeated, earlier) : new(TopUpOutcome.KeyReused, null);
        }

        if (Account.Profile is not { Status: not AccountStatus.Closed } profile || wallet is null)
        {
            return new(TopUpOutcome.NotOpen, null);
        }

        if (!profile.Prepaid || wallet.Money.Mode != PaymentMode.Prepaid)
        {
            return new(TopUpOutcome.NotPrepaid, null);
        }

        if (!string.Equals(wallet.Money.Currency, request.Currency, StringComparison.Ordinal))
        {
            return new(TopUpOutcome.WrongCurrency, null, wallet.Money.Currency);
        }

        var now = clock.GetUtcNow();
        try
        {
            var debtPaid = wallet.TopUp(request.Amount, now);
            var record = new TopUpRecord($"{this.GetPrimaryKey():N}-t{++Account.TopUpCount}", request.Key, request.Fingerprint, profile.ProductId,
                request.Amount, request.Currency, request.Voucher, request.Reason, request.Channel, request.Requestor, now, debtPaid, wallet.Money.Credit);
            Account.TopUps.Add(record);
            NotifyOpenSessions(record.Id, Nchf.NchfNotification.Reauthorization, now);
            if (Account.TopUps.Count > TopUpsKept)
            {
                Account.TopUps.RemoveRange(0, Account.TopUps.Count - TopUpsKept);
            }

            await SaveAsync(now);
            LogTopUp(logger, record.Id, request.Channel);
            return new(TopUpOutcome.Credited, record);
        }
        catch
        {
            await ReloadAsync();
            throw;
        }
    }

    public Task<IReadOnlyList<TopUpRecord>> TopUpsAsync() => Task.FromResult<IReadOnlyList<TopUpRecord>>([.. Account.TopUps]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Top-up {TopUpId} credited through {Channel}")]
    private static partial void LogTopUp(ILogger logger, string topUpId, string channel);
}
