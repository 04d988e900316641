using Dialtone.Charging.Rating;
using Microsoft.Extensions.Logging;

namespace Dialtone.Charging.Grains;

/// <summary>Prepaid top-ups: credited once per key, kept in the account's state for replay and reading.</summary>
internal sealed partial class ChargingAccountGrain
{
    /// <summary>How many top-ups the state keeps (for answering a repeated key and for reading); older ones drop off.</summary>
    internal const int TopUpsKept = 100;

    private static readonly TimeSpan TopUpKeyLifetime = TimeSpan.FromHours(24);

    public Task<TopUpResult> JudgeTopUpAsync(TopUpRequest request) => Task.FromResult(Judge(request));

    public async Task<TopUpResult> TopUpAsync(TopUpRequest request)
    {
        var judged = Judge(request);
        if (judged.Outcome != TopUpOutcome.Credited)
        {
            return judged;
        }

        var profile = Account.Profile!;
        var opened = wallet!;
        var now = clock.GetUtcNow();
        try
        {
            var debtPaid = opened.TopUp(request.Amount, now);
            var record = new TopUpRecord($"{this.GetPrimaryKey():N}-t{++Account.TopUpCount}", request.Key, request.Fingerprint, profile.ProductId,
                request.Amount, request.Currency, request.Voucher, request.Reason, request.Channel, request.Requestor, now, debtPaid, opened.Money.Credit);
            Account.TopUps.Add(record);
            NotifyOpenSessions(record.Id, Nchf.NchfNotification.Reauthorization, now);
            // A key is remembered at least as long as the platform's Idempotency-Key lifetime (24 h), and the last 100 beyond.
            while (Account.TopUps.Count > TopUpsKept && now - Account.TopUps[0].CreditedAt > TopUpKeyLifetime)
            {
                Account.TopUps.RemoveAt(0);
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

    /// <summary>What <see cref="TopUpAsync"/> would answer, crediting nothing: <see cref="TopUpOutcome.Credited"/> when it would credit.</summary>
    private TopUpResult Judge(TopUpRequest request)
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

        return string.Equals(wallet.Money.Currency, request.Currency, StringComparison.Ordinal)
            ? new(TopUpOutcome.Credited, null)
            : new(TopUpOutcome.WrongCurrency, null, wallet.Money.Currency);
    }

    public Task<IReadOnlyList<TopUpRecord>> TopUpsAsync() => Task.FromResult<IReadOnlyList<TopUpRecord>>([.. Account.TopUps]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Top-up {TopUpId} credited through {Channel}")]
    private static partial void LogTopUp(ILogger logger, string topUpId, string channel);
}
