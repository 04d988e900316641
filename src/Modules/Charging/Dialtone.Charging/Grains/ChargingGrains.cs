namespace Dialtone.Charging.Grains;

/// <summary>
/// One charging account: a line's buckets, money, open sessions and reservations (ADR 0012). Keyed by the account's
/// UUID, never by an MSISDN or IMSI. Every call that changes it is written durably before it returns.
/// </summary>
public interface IChargingAccountGrain : IGrainWithGuidKey
{
    /// <summary>Handles an Nchf create, update or release, exactly once per session and sequence number.</summary>
    Task<ChargingAnswer> ChargeAsync(ChargingCall call);

    /// <summary>Applies a change of the line (opened, add-on, plan change, barred, resumed, terminated), once per change id.</summary>
    Task ApplyAsync(AccountChange change);

    /// <summary>The account's status, buckets and money; null when it was never opened.</summary>
    Task<AccountBalance?> BalanceAsync();

    /// <summary>What <see cref="TopUpAsync"/> would answer now, crediting nothing (<see cref="TopUpOutcome.Credited"/>: it would credit).</summary>
    Task<TopUpResult> JudgeTopUpAsync(TopUpRequest request);

    /// <summary>Credits a prepaid balance once per key (debt is paid first).</summary>
    Task<TopUpResult> TopUpAsync(TopUpRequest request);

    /// <summary>The latest top-ups, oldest first.</summary>
    Task<IReadOnlyList<TopUpRecord>> TopUpsAsync();
}

/// <summary>
/// Maps a subscriber's keyed hash (of the SUPI, <see cref="SubscriberKeys"/>) to the charging account: the one lookup
/// a create needs; updates and releases route by the ChargingDataRef, which names the account.
/// </summary>
public interface ISubscriberGrain : IGrainWithStringKey
{
    /// <summary>The account, or null when the subscriber is unknown.</summary>
    Task<Guid?> AccountAsync();

    /// <summary>Points the subscriber at an account (a new line).</summary>
    Task AssignAsync(Guid accountId);

    /// <summary>The line of <paramref name="accountId"/> ended: the subscriber points nowhere, unless its IMSI already serves another account.</summary>
    Task UnassignAsync(Guid accountId);
}

/// <summary>The charging account of a line: a name-based UUID of the product id, so no lookup table is needed (ADR 0012).</summary>
public static class ChargingAccountIds
{
    public static Guid Of(string productId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("dialtone-charging-account:" + productId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
