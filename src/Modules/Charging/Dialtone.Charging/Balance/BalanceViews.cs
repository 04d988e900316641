using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dialtone.Charging.Grains;
using Dialtone.Platform.PersonalData;

namespace Dialtone.Charging.Balance;

/// <summary>
/// How a charging account shows in TMF654: one bucket per allowance and one for money. A bucket's id names the account
/// (<c>{account uuid, 32 hex}-{8 hex of the bucket}</c>, <c>-money</c> for money) so a read goes straight to its grain.
/// A line in a family's shared pool also shows the pool's allowances (kind <c>sharedPool</c>, <c>isShared</c>, the same
/// numbers on every member's list, the bundle among its products).
/// </summary>
internal static class BalanceViews
{
    private const string MoneySuffix = "money";

    private const string PoolPrefix = "pool:";

    public static IReadOnlyList<Bucket> BucketsOf(AccountBalance balance, string productId, string baseUrl, (string BundleId, PoolBalance Balance)? pool = null)
    {
        var account = ChargingAccountIds.Of(productId);
        var status = balance.Status == AccountStatus.Active ? "active" : balance.Status == AccountStatus.Barred ? "suspended" : "expired";
        var line = new ProductRef(productId, ReferredType: "Product");
        var buckets = new List<Bucket>();
        var shared = pool is { } family ? family.Balance.Buckets.Select(b => (Key: PoolPrefix + b.Id, Bucket: b with { Kind = "sharedPool" }, Bundle: (string?)family.BundleId)) : [];
        foreach (var (key, bucket, bundle) in balance.Buckets.Select(b => (Key: b.Id, Bucket: b, Bundle: (string?)null)).Concat(shared))
        {
            var id = $"{account:N}-{Short(key)}";
            var units = UnitsOf(bucket.Unit);
            long? remaining = bucket.Amount is { } amount ? Math.Max(0, amount - bucket.Used - bucket.Held) : null;
            buckets.Add(new Bucket
            {
                Id = id,
                Href = $"{baseUrl}/bucket/{id}",
                Name = bucket.Id[(bucket.Id.LastIndexOf('/') + 1)..],
                Description = bucket.Kind switch
                {
                    "addOn" => "Add-on allowance, used before the plan's own",
                    "sharedPool" => bundle is null ? "Shared pool allowance" : "Shared pool allowance of the bundle, used by all its lines after their own",
                    _ => "Plan allowance",
                },
                UsageType = UsageTypeOf(bucket.Unit),
                Status = status,
                IsShared = bucket.Kind == "sharedPool",
                RemainingValue = remaining is { } left ? new Quantity(left, units) : null,
                RemainingValueName = remaining is { } shown ? Describe(shown, bucket.Unit) : "unlimited",
                ReservedValue = new Quantity(bucket.Held, units),
                UsedValue = new Quantity(bucket.Used, units),
                Kind = bucket.Kind,
                ValidFor = bucket.NextReset is null && bucket.ExpiresAt is null ? null : new TimePeriod(EndDateTime: bucket.NextReset ?? bucket.ExpiresAt),
                Product = bundle is null ? [line] : [line, new ProductRef(bundle, ReferredType: "Product")],
            });
        }

        var moneyId = $"{account:N}-{MoneySuffix}";
        var spendable = balance.Prepaid ? balance.Credit - balance.Held : (decimal?)null;
        buckets.Add(new Bucket
        {
            Id = moneyId,
            Href = $"{baseUrl}/bucket/{moneyId}",
            Name = balance.Prepaid ? "credit" : "usage this bill cycle",
            Description = balance.Prepaid ? "Prepaid credit for usage beyond the allowances" : "Usage beyond the allowances, billed with the next bill",
            UsageType = "monetary",
            Status = status,
            RemainingValue = spendable is { } value ? new Quantity(Math.Max(0, value), balance.Currency) : null,
            RemainingValueName = spendable is { } text ? $"{Math.Max(0, text).ToString("0.00", CultureInfo.InvariantCulture)} {balance.Currency}" : null,
            ReservedValue = new Quantity(balance.Held, balance.Currency),
            UsedValue = balance.Prepaid ? null : new Quantity(balance.Unbilled, balance.Currency),
            DebtValue = balance.Debt > 0 ? new Quantity(balance.Debt, balance.Currency) : null,
            Kind = MoneySuffix,
            Product = [line],
        });
        return buckets;
    }

    /// <summary>The account and bucket suffix a bucket id names, or null when it is not one.</summary>
    public static (Guid Account, string Suffix)? ParseId(string id) =>
        id.Length > 33 && id[32] == '-' && Guid.TryParseExact(id.AsSpan(0, 32), "N", out var account) ? (account, id[33..]) : null;

    /// <summary>The account a top-up id (<c>{account uuid, 32 hex}-t{number}</c>) names, or null.</summary>
    public static Guid? AccountOfTopUp(string id) =>
        id.Length is > 34 and <= 54 && id[32] == '-' && id[33] == 't' && id.AsSpan(34).IndexOfAnyExceptInRange('0', '9') < 0
        && Guid.TryParseExact(id.AsSpan(0, 32), "N", out var account) ? account : null;

    /// <summary>
    /// A top-up as TMF654 shows it; the agent's free-text reason only to staff (<paramref name="showReason"/>), decrypted
    /// here: the account's state holds it encrypted (it may name the customer or their complaint).
    /// </summary>
    public static TopupBalance TopUpOf(TopUpRecord record, string baseUrl, bool showReason, PersonalDataProtector protector) => new()
    {
        Id = record.Id,
        Href = $"{baseUrl}/topupBalance/{record.Id}",
        Amount = new Quantity(record.Amount, record.Currency),
        Voucher = record.Voucher,
        Channel = new ChannelRef(Name: record.Channel),
        Reason = showReason && record.Reason is { } reason ? protector.Unprotect(reason) : null,
        RequestedDate = record.CreditedAt,
        ConfirmationDate = record.CreditedAt,
        Product = [new ProductRef(record.ProductId, ReferredType: "Product")],
    };

    private static string Short(string bucketId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bucketId)), 0, 4);

    private static string UsageTypeOf(string unit) => unit switch
    {
        "second" => "voice",
        "event" => "sms",
        _ => "data",
    };

    private static string UnitsOf(string unit) => unit switch
    {
        "second" => "seconds",
        "event" => "messages",
        _ => "octets",
    };

    private static string Describe(long amount, string unit) => unit switch
    {
        "second" => $"{amount / 60} min",
        "event" => $"{amount} SMS",
        _ => amount >= 1_000_000_000
            ? $"{(amount / 1_000_000_000m).ToString("0.##", CultureInfo.InvariantCulture)} GB"
            : $"{(amount / 1_000_000m).ToString("0.#", CultureInfo.InvariantCulture)} MB",
    };
}
